// Each Node-style error helper against the error Node itself throws for the same input, on the running Node.
import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { Readable } from 'node:stream';
import { inspect } from 'node:util';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  type CodedError,
  describeReceived,
  errInternalAssertion,
  errInvalidArgType,
  errInvalidArgValue,
  errOutOfRange,
  errSocketBadPort,
  withCode,
} from '../src/node-errors.js';

/** What `fn` throws; fails the test when it throws nothing. */
function thrown(fn: () => unknown): CodedError {
  try {
    fn();
  } catch (error) {
    return error as CodedError;
  }
  throw new Error('expected Node to throw');
}

/** Everything of an error that Node's callers and users see. */
function shape(error: CodedError) {
  return {
    name: error.name,
    code: error.code,
    message: error.message,
    string: String(error),
    keys: Object.keys(error),
  };
}

function expectSameAsNode(ours: CodedError, node: CodedError): void {
  // Node's own error is an instance of a subclass of TypeError, RangeError or Error; ours of that base.
  const base = [TypeError, RangeError, Error].find((candidate) => node instanceof candidate);
  expect(Object.getPrototypeOf(ours)).toBe(base?.prototype);
  expect(shape(ours)).toEqual(shape(node));
  // Under vitest Node's own stack header loses its "[code]" (the runner replaces Error.prepareStackTrace),
  // so ours is held to the header Node writes on its own (checked in a child process below).
  expect(ours.stack?.split('\n', 1)[0]).toBe(
    `${node.name} [${node.code}]: ${node.message.split('\n', 1)[0]}`,
  );
}

class Custom {}
/** Every kind of value Node describes differently after "Received". */
const samples: Record<string, unknown> = {
  'an integer': 5,
  'minus zero': -0,
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
  'a fraction': 1.5,
  'a bigint': 12n,
  'a boolean': false,
  'a symbol': Symbol('tag'),
  'a short string': 'abc',
  'the empty string': '',
  'a 28-character string': 'b'.repeat(28),
  'a 29-character string': 'c'.repeat(29),
  'a string with a single quote': "it's",
  'a long string with a single quote': `it's ${'x'.repeat(40)}`,
  'a string with double quotes': 'say "hi"',
  'a string with both quotes': `it's "so"`,
  'a string with a newline': 'a\nb',
  'a named function': function namedFunction() {},
  'an anonymous function': (
    () => () =>
      undefined
  )(),
  'a class': Custom,
  'a plain object': {},
  'an array': [1, 2],
  'a class instance': new Custom(),
  'a Map': new Map(),
  'a null-prototype object': Object.create(null),
  'a null-prototype object with keys': Object.assign(Object.create(null), { a: 1 }),
  'an object whose constructor has no name': { constructor: {} },
  'an object whose constructor name is empty': { constructor: { name: '' } },
  null: null,
  undefined: undefined,
};

describe('describeReceived and ERR_INVALID_ARG_TYPE', () => {
  for (const [label, value] of Object.entries(samples)) {
    it(`describe ${label} as Node does`, () => {
      // net.Socket#connect checks a given options.port's type itself (undefined means "no port").
      const socket = new net.Socket();
      try {
        if (typeof value !== 'number' && typeof value !== 'string' && value !== undefined) {
          const node = thrown(() => socket.connect({ port: value as never, host: '127.0.0.1' }));
          expect(node.message.endsWith(`. Received ${describeReceived(value)}`)).toBe(true);
          expectSameAsNode(errInvalidArgType('options.port', ['number', 'string'], value), node);
        }
      } finally {
        socket.destroy();
      }
      if (typeof value !== 'function') {
        const node = thrown(() => new EventEmitter().on('event', value as never));
        expect(node.message).toMatch(/^The "listener" argument must be of type function\. Received /);
        expectSameAsNode(errInvalidArgType('listener', 'function', value), node);
      }
    });
  }

  it('words expected types, classes and other descriptions as Node does', () => {
    expectSameAsNode(
      errInvalidArgType(
        'first argument',
        ['string', 'Buffer', 'ArrayBuffer', 'Array', 'Array-like Object'],
        5,
      ),
      thrown(() => Buffer.from(5 as never)),
    );
    expectSameAsNode(
      errInvalidArgType('path', ['string', 'Buffer', 'URL'], {}),
      thrown(() => readFileSync({} as never)),
    );
    expectSameAsNode(
      errInvalidArgType('signal', 'AbortSignal', 5),
      thrown(() => EventEmitter.addAbortListener(5 as never, () => undefined)),
    );
    expectSameAsNode(
      errInvalidArgType('buffer', ['string', 'Buffer', 'TypedArray', 'DataView', 'ArrayBuffer'], 5),
      thrown(() => deflateSync(5 as never)),
    );
  });

  it('keeps a lower-case description as written, as Node does', () => {
    expect(errInvalidArgType('strategy', 'of type string or function', 1).message).toBe(
      'The "strategy" argument must be of type string or function. Received type number (1)',
    );
    expect(errInvalidArgType('options', ['object', 'Map'], 1).message).toBe(
      'The "options" argument must be an instance of Map or Object. Received type number (1)',
    );
  });
});

describe('ERR_INVALID_ARG_VALUE', () => {
  it('matches Node for arguments and properties, long values cut at 128 characters', () => {
    const reason = 'must have the property "port" or "path"';
    for (const options of [{}, { host: 'x'.repeat(300) }, { nested: { deeper: { deepest: {} } } }]) {
      const server = net.createServer();
      try {
        expectSameAsNode(
          errInvalidArgValue('options', options, reason),
          thrown(() => server.listen(options)),
        );
      } finally {
        server.close();
      }
    }
    for (const highWaterMark of [-1, 'x'.repeat(200), { a: [1, 2] }]) {
      expectSameAsNode(
        errInvalidArgValue('options.highWaterMark', highWaterMark),
        thrown(() => new Readable({ highWaterMark: highWaterMark as never })),
      );
    }
  });
});

describe('ERR_OUT_OF_RANGE', () => {
  it('matches Node for numbers, large integers and bigints', () => {
    const buffer = Buffer.alloc(1);
    for (const offset of [5, -1, 0.5, -0.5, Number.NaN, 2 ** 32 + 1, 2 ** 40, -(2 ** 40), 2 ** 32]) {
      const range = Number.isInteger(offset) ? '>= 0 and <= 0' : 'an integer';
      expectSameAsNode(
        errOutOfRange('offset', range, offset),
        thrown(() => buffer.readUInt8(offset)),
      );
    }
    const bigBuffer = Buffer.alloc(8);
    for (const value of [2n ** 70n, 2n ** 63n]) {
      expectSameAsNode(
        errOutOfRange('value', '>= -(2n ** 63n) and < 2n ** 63n', value),
        thrown(() => bigBuffer.writeBigInt64BE(value)),
      );
    }
    expectSameAsNode(
      errOutOfRange('value', '>= 0n and < 2n ** 64n', -1n),
      thrown(() => bigBuffer.writeBigUInt64BE(-1n)),
    );
  });

  it('shows any other value through util.inspect, as Node does', () => {
    expect(errOutOfRange('x', 'a number', 'abc').message).toBe(
      `The value of "x" is out of range. It must be a number. Received ${inspect('abc')}`,
    );
    expect(errOutOfRange('x', 'a number', -0).message).toMatch(/Received -0$/);
    expect(errOutOfRange('x', 'a number', -(2n ** 40n)).message).toMatch(/Received -1_099_511_627_776n$/);
  });
});

describe('ERR_SOCKET_BAD_PORT', () => {
  it('matches net.Server#listen', () => {
    for (const port of [70000, '70000', 65536, -1]) {
      const server = net.createServer();
      try {
        expectSameAsNode(
          errSocketBadPort('options.port', port),
          thrown(() => server.listen({ port })),
        );
      } finally {
        server.close();
      }
    }
  });

  it('matches net.Socket#connect', () => {
    for (const port of [-1, 1.5, 'abc', ' ', 70000]) {
      const socket = new net.Socket();
      try {
        expectSameAsNode(
          errSocketBadPort('Port', port),
          thrown(() => socket.connect({ port: port as number, host: '127.0.0.1' })),
        );
      } finally {
        socket.destroy();
      }
    }
  });

  it('matches dgram, which refuses port 0 for send', () => {
    const socket = dgram.createSocket('udp4');
    try {
      expectSameAsNode(
        errSocketBadPort('Port', 0, false),
        thrown(() => socket.send('x', 0, '127.0.0.1')),
      );
    } finally {
      socket.close();
    }
  });
});

describe('ERR_INTERNAL_ASSERTION', () => {
  it('matches node:cluster’s, except for the request to report the bug to Node', () => {
    // A child process: setupPrimary changes the cluster module's state for good.
    const script = `
      const cluster = require('node:cluster');
      cluster.schedulingPolicy = 5;
      try { cluster.setupPrimary(); } catch (error) {
        process.stdout.write(JSON.stringify({
          name: error.name, code: error.code, message: error.message, keys: Object.keys(error),
          stackHeader: error.stack.split('\\n', 1)[0], isError: Object.getPrototypeOf(error) instanceof Error,
        }));
      }`;
    const node = JSON.parse(
      execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 10_000 }),
    ) as Record<string, unknown>;
    const ours = errInternalAssertion('Bad cluster.schedulingPolicy: 5');
    expect(ours).toBeInstanceOf(Error);
    expect(ours.name).toBe(node.name);
    expect(ours.code).toBe(node.code);
    expect(Object.keys(ours)).toEqual(node.keys);
    expect(ours.stack?.split('\n', 1)[0]).toBe(node.stackHeader);
    expect(node.message).toMatch(
      /^Bad cluster\.schedulingPolicy: 5\nThis is caused by either a bug in Node\.js/,
    );
    expect(ours.message).toBe('Bad cluster.schedulingPolicy: 5');
  });
});

describe('withCode', () => {
  it('puts the code in the stack header and String(), and keeps name plain', () => {
    const error = withCode(new RangeError('too far'), 'ERR_X');
    expect(error.name).toBe('RangeError');
    expect(error.code).toBe('ERR_X');
    expect(error.stack?.split('\n', 1)[0]).toBe('RangeError [ERR_X]: too far');
    expect(String(error)).toBe('RangeError [ERR_X]: too far');
    expect(Object.keys(error)).toEqual(['code']);
  });
});
