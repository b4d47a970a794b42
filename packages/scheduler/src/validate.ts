// Argument checks at the package's boundary, throwing what Node's own validators throw.
import { errInvalidArgType, errOutOfRange } from './errors.js';

export function validateObject(value: unknown, name: string): asserts value is object {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw errInvalidArgType(name, 'object', value);
  }
}

/** For values typed as functions already (options), checked again for JavaScript callers. */
export function validateFunction(value: unknown, name: string): void {
  if (typeof value !== 'function') throw errInvalidArgType(name, 'function', value);
}

export function validateBoolean(value: unknown, name: string): asserts value is boolean {
  if (typeof value !== 'boolean') throw errInvalidArgType(name, 'boolean', value);
}

export function validateString(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string') throw errInvalidArgType(name, 'string', value);
}

/** An integer in [min, max], as Node's `validateInteger` checks it. */
export function validateInteger(
  value: unknown,
  name: string,
  min = Number.MIN_SAFE_INTEGER,
  max = Number.MAX_SAFE_INTEGER,
): asserts value is number {
  if (typeof value !== 'number') throw errInvalidArgType(name, 'number', value);
  if (!Number.isInteger(value)) throw errOutOfRange(name, 'an integer', value);
  if (value < min || value > max) throw errOutOfRange(name, `>= ${min} && <= ${max}`, value);
}

/** An integer >= min, or Infinity ("no limit"). */
export function validateLimit(value: unknown, name: string, min: number): asserts value is number {
  if (value === Number.POSITIVE_INFINITY) return;
  if (typeof value !== 'number') throw errInvalidArgType(name, 'number', value);
  if (!Number.isInteger(value) || value < min)
    throw errOutOfRange(name, `an integer >= ${min} or Infinity`, value);
}

/** A number >= min (Infinity allowed, NaN not). */
export function validateNumberAtLeast(value: unknown, name: string, min: number): asserts value is number {
  if (typeof value !== 'number') throw errInvalidArgType(name, 'number', value);
  if (Number.isNaN(value) || value < min) throw errOutOfRange(name, `>= ${min}`, value);
}
