// Errors the primary throws where node:cluster throws, with Node's own `ERR_*` codes and messages.

export interface CodedError extends Error {
  code: string;
}

/** Describes a received value the way Node's error messages do ("type number (70000)", "null"). */
export function describeReceived(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'function') return `function ${(value as { name?: string }).name || '<anonymous>'}`;
  if (typeof value === 'object') {
    const name = (value as object).constructor?.name;
    return name ? `an instance of ${name}` : 'an object';
  }
  let shown =
    typeof value === 'string' ? `'${value.length > 25 ? `${value.slice(0, 25)}...` : value}'` : String(value);
  if (typeof value === 'bigint') shown += 'n';
  return `type ${typeof value} (${shown})`;
}

function withCode<E extends Error>(error: E, code: string): E & CodedError {
  // Node prints "RangeError [ERR_X]: message" in the stack; keep the name plain afterwards.
  const name = error.name;
  error.name = `${name} [${code}]`;
  void error.stack;
  error.name = name;
  return Object.assign(error, { code });
}

export function errSocketBadPort(name: string, port: unknown, allowZero = true): RangeError & CodedError {
  const operator = allowZero ? '>=' : '>';
  return withCode(
    new RangeError(`${name} should be ${operator} 0 and < 65536. Received ${describeReceived(port)}.`),
    'ERR_SOCKET_BAD_PORT',
  );
}

export function errInternalAssertion(message: string): Error & CodedError {
  return withCode(new Error(message), 'ERR_INTERNAL_ASSERTION');
}
