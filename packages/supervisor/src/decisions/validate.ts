// Checks for the decisions' options, run once where options enter, throwing what Node's validators throw.
import { errInvalidArgType, errOutOfRange } from '@shoal/protocol/node-errors';

export function validateOptionsObject(value: unknown, name: string): asserts value is object {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw errInvalidArgType(name, 'object', value);
  }
}

/** A finite number in [min, max]. */
export function validateFiniteNumber(
  value: unknown,
  name: string,
  min: number,
  max = Number.MAX_VALUE,
): asserts value is number {
  if (typeof value !== 'number') throw errInvalidArgType(name, 'number', value);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw errOutOfRange(name, max === Number.MAX_VALUE ? `>= ${min}` : `>= ${min} && <= ${max}`, value);
  }
}

/** An integer >= min, or Infinity ("no limit"). */
export function validateIntegerOrInfinity(
  value: unknown,
  name: string,
  min: number,
): asserts value is number {
  if (value === Number.POSITIVE_INFINITY) return;
  if (typeof value !== 'number') throw errInvalidArgType(name, 'number', value);
  if (!Number.isInteger(value) || value < min) {
    throw errOutOfRange(name, `an integer >= ${min} or Infinity`, value);
  }
}

/** A number >= min, Infinity allowed ("never"), NaN not. */
export function validateNumberOrInfinity(value: unknown, name: string, min: number): asserts value is number {
  if (typeof value !== 'number') throw errInvalidArgType(name, 'number', value);
  if (Number.isNaN(value) || value < min) throw errOutOfRange(name, `>= ${min}`, value);
}

/** An integer in [min, max]. */
export function validateInteger(
  value: unknown,
  name: string,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): asserts value is number {
  if (typeof value !== 'number') throw errInvalidArgType(name, 'number', value);
  if (!Number.isInteger(value)) throw errOutOfRange(name, 'an integer', value);
  if (value < min || value > max) throw errOutOfRange(name, `>= ${min} && <= ${max}`, value);
}

/** Reads `options[key]`, `fallback` when absent (undefined), for validation by the caller. */
export function optionOr<T>(options: object, key: string, fallback: T): unknown {
  const value = (options as Record<string, unknown>)[key];
  return value === undefined ? fallback : value;
}
