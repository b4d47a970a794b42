// ERR_INVALID_RETURN_VALUE, as Node throws it when a user callback returns the wrong kind of value: here, a
// strategy factory or class that did not produce a strategy.
import { inspect } from 'node:util';
import type { CodedError } from './errors.js';

function describeReturned(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'function') return value.name ? `function ${value.name}` : 'a function';
  if (typeof value === 'object') {
    const name = (value as object).constructor?.name;
    return name ? `an instance of ${name}` : inspect(value, { depth: -1 });
  }
  let shown = inspect(value, { colors: false });
  if (shown.length > 28) shown = `${shown.slice(0, 25)}...`;
  return `type ${typeof value} (${shown})`;
}

/**
 * `source` names what returned `value` (`the "makeStrategy" strategy factory`); `reason` says what is wrong
 * with it. The argument error that found the fault, if any, is the `cause`.
 */
export function errInvalidReturnValue(
  source: string,
  value: unknown,
  reason: string,
  cause?: unknown,
): TypeError & CodedError {
  const error = new TypeError(
    `Expected a strategy to be returned from ${source} but got ${describeReturned(value)}: ${reason}`,
    cause === undefined ? undefined : { cause },
  );
  // Node shows "TypeError [ERR_X]: message" in the stack, yet keeps `name` plain.
  error.name = `TypeError [ERR_INVALID_RETURN_VALUE]`;
  void error.stack;
  error.name = 'TypeError';
  return Object.assign(error, { code: 'ERR_INVALID_RETURN_VALUE' });
}
