// Node's own `ERR_*` errors, built with Node's message wording, for Shoal's packages to throw where Node
// would. Reached through `@shoal/protocol/node-errors`; not part of the public API.
import { inspect } from 'node:util';

export { brandShoalError, hasShoalBrand } from './shoal-error.js';

export interface CodedError extends Error {
  code: string;
}

/**
 * Gives `error` Node's `code`, a stack that reads `TypeError [ERR_X]: message` and a `String(error)` that
 * does too, while `name` stays the plain class name, as on Node's own errors.
 */
export function withCode<E extends Error>(error: E, code: string): E & CodedError {
  // V8 writes the stack's first line when `stack` is first read, from the `name` at that moment. The
  // stand-in name is an own property for that one read; what was there before comes back afterwards.
  const own = Object.getOwnPropertyDescriptor(error, 'name');
  Object.defineProperty(error, 'name', { value: `${error.name} [${code}]`, configurable: true });
  void error.stack;
  if (own) Object.defineProperty(error, 'name', own);
  else delete (error as { name?: string }).name;
  Object.defineProperty(error, 'toString', {
    value: nodeErrorToString,
    writable: true,
    configurable: true,
    enumerable: false,
  });
  return Object.assign(error, { code });
}

function nodeErrorToString(this: CodedError): string {
  return `${this.name} [${this.code}]: ${this.message}`;
}

/**
 * What Node's messages say after "Received": `null`, `type number (-0)`, `type string ('abc')`,
 * `function f`, `an instance of Map`, `[Object: null prototype] {}`.
 */
const emptyConstructorNameCounts = Number(process.versions.node.split('.')[0]) < 24;

export function describeReceived(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  switch (typeof value) {
    case 'function':
      return `function ${value.name}`;
    case 'object': {
      // Through Node 22 an empty constructor name still counts ("an instance of "); from Node 24 only a
      // non-empty one does, and the value is shown by util.inspect otherwise. Follow the Node this runs on.
      const maker = (value as { constructor?: unknown }).constructor;
      if ((typeof maker === 'function' || typeof maker === 'object') && maker !== null && 'name' in maker) {
        const name = String(maker.name);
        if (name !== '' || emptyConstructorNameCounts) return `an instance of ${name}`;
      }
      return inspect(value, { depth: -1 });
    }
    case 'string': {
      // Cut before quoting, and quote with JSON only when the text holds a single quote.
      const shown = value.length > 28 ? `${value.slice(0, 25)}...` : value;
      return `type string (${shown.includes("'") ? JSON.stringify(shown) : `'${shown}'`})`;
    }
    case 'number':
      return `type number (${Object.is(value, -0) ? '-0' : String(value)})`;
    case 'bigint':
      return `type bigint (${value}n)`;
    default:
      return `type ${typeof value} (${String(value)})`;
  }
}

/** The types Node names as such ("of type string"); other capitalised words are classes ("an instance of"). */
const typeNames = [
  'string',
  'function',
  'number',
  'object',
  'Function',
  'Object',
  'boolean',
  'bigint',
  'symbol',
];
const className = /^[A-Z][a-zA-Z0-9]*$/;

function formatList(items: readonly string[]): string {
  if (items.length < 3) return items.join(' or ');
  return `${items.slice(0, -1).join(', ')}, or ${items[items.length - 1]}`;
}

function describeExpected(expected: readonly string[]): string {
  const types: string[] = [];
  const instances: string[] = [];
  const other: string[] = [];
  for (const entry of expected) {
    if (typeNames.includes(entry)) types.push(entry.toLowerCase());
    else if (className.test(entry)) instances.push(entry);
    else other.push(entry);
  }
  // Beside classes, a plain object reads as one more class.
  const objectAt = types.indexOf('object');
  if (instances.length > 0 && objectAt !== -1) {
    types.splice(objectAt, 1);
    instances.push('Object');
  }
  const parts: string[] = [];
  if (types.length > 0) parts.push(`${types.length > 1 ? 'one of type' : 'of type'} ${formatList(types)}`);
  if (instances.length > 0) parts.push(`an instance of ${formatList(instances)}`);
  if (other.length > 1) parts.push(`one of ${formatList(other)}`);
  else if (other.length === 1) {
    const [text = ''] = other;
    parts.push(text.toLowerCase() === text ? text : `an ${text}`);
  }
  return parts.join(' or ');
}

/** "The "x" argument", "The "options.x" property", or the name as is when it ends in " argument". */
function subject(name: string, quote: '"' | "'"): string {
  if (quote === '"' && name.endsWith(' argument')) return `The ${name}`;
  const kind = name.includes('.') ? 'property' : 'argument';
  return quote === '"' ? `The "${name}" ${kind}` : `The ${kind} '${name}'`;
}

/**
 * `ERR_INVALID_ARG_TYPE`. `expected` lists type names (`'number'`), class names (`'Map'`) or, lower-case,
 * any other description (`'a valid port'`), which is used as written.
 */
export function errInvalidArgType(
  name: string,
  expected: string | readonly string[],
  actual: unknown,
): TypeError & CodedError {
  const list = typeof expected === 'string' ? [expected] : expected;
  return withCode(
    new TypeError(
      `${subject(name, '"')} must be ${describeExpected(list)}. Received ${describeReceived(actual)}`,
    ),
    'ERR_INVALID_ARG_TYPE',
  );
}

/** `ERR_INVALID_ARG_VALUE`; `reason` reads after the name ("must be an object", "is invalid"). */
export function errInvalidArgValue(
  name: string,
  value: unknown,
  reason = 'is invalid',
): TypeError & CodedError {
  let shown = inspect(value);
  if (shown.length > 128) shown = `${shown.slice(0, 128)}...`;
  return withCode(
    new TypeError(`${subject(name, "'")} ${reason}. Received ${shown}`),
    'ERR_INVALID_ARG_VALUE',
  );
}

/** `1_000_000_000_000`: how Node writes large integers in range errors. */
function withSeparators(digits: string): string {
  const start = digits.startsWith('-') ? 1 : 0;
  let end = digits.length;
  let grouped = '';
  for (; end >= start + 4; end -= 3) grouped = `_${digits.slice(end - 3, end)}${grouped}`;
  return `${digits.slice(0, end)}${grouped}`;
}

const separatorLimit = 2 ** 32;

/** `ERR_OUT_OF_RANGE`; `range` reads after "It must be", e.g. `">= 1 && <= 1000"`. */
export function errOutOfRange(name: string, range: string, received: unknown): RangeError & CodedError {
  let shown: string;
  if (typeof received === 'number' && Number.isInteger(received) && Math.abs(received) > separatorLimit) {
    shown = withSeparators(String(received));
  } else if (typeof received === 'bigint') {
    const large = received > BigInt(separatorLimit) || received < -BigInt(separatorLimit);
    shown = `${large ? withSeparators(String(received)) : String(received)}n`;
  } else {
    shown = inspect(received);
  }
  return withCode(
    new RangeError(`The value of "${name}" is out of range. It must be ${range}. Received ${shown}`),
    'ERR_OUT_OF_RANGE',
  );
}

/** `ERR_SOCKET_BAD_PORT`; `name` starts the message ("Port", "options.port"). */
export function errSocketBadPort(name: string, port: unknown, allowZero = true): RangeError & CodedError {
  return withCode(
    new RangeError(
      `${name} should be ${allowZero ? '>=' : '>'} 0 and < 65536. Received ${describeReceived(port)}.`,
    ),
    'ERR_SOCKET_BAD_PORT',
  );
}

/**
 * `ERR_INTERNAL_ASSERTION`, with the message as given: Node appends a request to report the bug on Node's
 * tracker, which would send Shoal's bugs to the wrong place.
 */
export function errInternalAssertion(message: string): Error & CodedError {
  return withCode(new Error(message), 'ERR_INTERNAL_ASSERTION');
}
