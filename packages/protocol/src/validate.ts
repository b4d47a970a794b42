// Boundary validation of public options, failing with Node's own error codes.

/** setTimeout's largest delay; anything above it fires after 1 ms instead. */
export const TIMEOUT_MAX = 2 ** 31 - 1;

function withCode<E extends Error>(error: E, code: string): E & { code: string } {
  return Object.assign(error, { code });
}

export function invalidArgValue(name: string, value: unknown, reason: string): TypeError {
  let shown: string;
  try {
    shown = typeof value === 'string' ? `'${value}'` : String(value);
  } catch {
    shown = typeof value;
  }
  return withCode(
    new TypeError(`The argument '${name}' ${reason}. Received ${shown}`),
    'ERR_INVALID_ARG_VALUE',
  );
}

/** A timeout in ms: 0 ≤ n ≤ TIMEOUT_MAX, or Infinity for none. `undefined` passes through. */
export function validateTimeout(name: string, value: unknown): number | undefined {
  if (value === undefined || value === Number.POSITIVE_INFINITY) return value;
  if (typeof value !== 'number' || !(value >= 0 && value <= TIMEOUT_MAX)) {
    let shown: string;
    try {
      shown = String(value);
    } catch {
      shown = typeof value;
    }
    throw withCode(
      new RangeError(
        `The value of "${name}" is out of range. It must be >= 0 && <= ${TIMEOUT_MAX} or Infinity. Received ${shown}`,
      ),
      'ERR_OUT_OF_RANGE',
    );
  }
  return value;
}
