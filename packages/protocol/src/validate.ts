// Boundary validation of public options, failing with Node's own error codes.
import { errOutOfRange } from './node-errors.js';

export { errInvalidArgValue as invalidArgValue } from './node-errors.js';

/** setTimeout's largest delay; anything above it fires after 1 ms instead. */
export const TIMEOUT_MAX = 2 ** 31 - 1;

/** A timeout in ms: 0 ≤ n ≤ TIMEOUT_MAX, or Infinity for none. `undefined` passes through. */
export function validateTimeout(name: string, value: unknown): number | undefined {
  if (value === undefined || value === Number.POSITIVE_INFINITY) return value;
  if (typeof value !== 'number' || !(value >= 0 && value <= TIMEOUT_MAX)) {
    throw errOutOfRange(name, `>= 0 && <= ${TIMEOUT_MAX} or Infinity`, value);
  }
  return value;
}
