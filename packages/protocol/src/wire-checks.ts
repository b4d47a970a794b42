// Small field checks shared by the parsers, and the failure description they return. Nothing here
// allocates unless a check fails.
import { ProtocolError, ProtocolErrorCode } from './errors.js';
import type { ParseResult } from './parse-result.js';

export type WireRecord = Record<string, unknown>;

/** Why a message was rejected; only ever built on the failure path. */
export interface Problem {
  code: ProtocolErrorCode;
  message: string;
  details?: Readonly<Record<string, unknown>>;
}

export function malformed(message: string): Problem {
  return { code: ProtocolErrorCode.MALFORMED, message };
}

export function isRecord(value: unknown): value is WireRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A sequence number, ack, index or id: a non-negative safe integer. */
export function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

export function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** A short, never-throwing description of a value for error messages. */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value.length > 40 ? `a string "${value.slice(0, 37)}..."` : `"${value}"`;
    case 'number':
    case 'boolean':
      return String(value);
    case 'bigint':
      return `${String(value)}n`;
    case 'undefined':
      return 'undefined';
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    default:
      if (value === null) return 'null';
      return Array.isArray(value) ? 'an array' : 'an object';
  }
}

/** Runs a check so that nothing it touches (a throwing getter, a Proxy) can make parsing throw. */
export function toParseResult<T>(raw: unknown, check: (raw: unknown) => Problem | undefined): ParseResult<T> {
  let problem: Problem | undefined;
  try {
    problem = check(raw);
  } catch (cause) {
    return {
      ok: false,
      error: new ProtocolError(ProtocolErrorCode.MALFORMED, 'reading the message threw', { cause }),
    };
  }
  if (problem === undefined) return { ok: true, message: raw as T };
  const options = problem.details === undefined ? undefined : { details: problem.details };
  return { ok: false, error: new ProtocolError(problem.code, problem.message, options) };
}

/** The type-guard flavour of {@link toParseResult}: allocates nothing when the check passes. */
export function passes(raw: unknown, check: (raw: unknown) => Problem | undefined): boolean {
  try {
    return check(raw) === undefined;
  } catch {
    return false;
  }
}
