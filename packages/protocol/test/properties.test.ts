import { deserialize, serialize } from 'node:v8';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ExtensionChannel,
  isExtensionMessage,
  isPrimaryMessage,
  isWorkerMessage,
  type ParseResult,
  ProtocolError,
  ProtocolErrorCode,
  parseExtensionMessage,
  parsePrimaryMessage,
  parseWorkerMessage,
} from '../src/index.js';
import {
  anything,
  extensionMessage,
  mutatedMessage,
  primaryMessage,
  workerMessage,
} from './helpers/arbitraries.js';

const codes = new Set<string>(Object.values(ProtocolErrorCode));
const parsers = { parseWorkerMessage, parsePrimaryMessage, parseExtensionMessage };
const guards = { isWorkerMessage, isPrimaryMessage, isExtensionMessage };

function expectWellBehaved(raw: unknown, result: ParseResult<unknown>): void {
  if (result.ok) {
    expect(result.message).toBe(raw);
  } else {
    expect(result.error).toBeInstanceOf(ProtocolError);
    expect(codes.has(result.error.code)).toBe(true);
    expect(typeof result.error.message).toBe('string');
  }
}

const jsonRoundTrip = (value: unknown): unknown => JSON.parse(JSON.stringify(value));
const v8RoundTrip = (value: unknown): unknown => deserialize(serialize(value));

describe('parsers never throw', () => {
  for (const [name, parse] of Object.entries(parsers)) {
    it(`${name} on arbitrary input`, () => {
      fc.assert(
        fc.property(anything, (raw) => {
          expectWellBehaved(raw, parse(raw));
        }),
        { numRuns: 300 },
      );
    });

    it(`${name} on mutated valid messages`, () => {
      fc.assert(
        fc.property(mutatedMessage, (raw) => {
          expectWellBehaved(raw, parse(raw));
        }),
        { numRuns: 300 },
      );
    });
  }

  for (const [name, guard] of Object.entries(guards)) {
    it(`${name} on arbitrary and mutated input`, () => {
      fc.assert(
        fc.property(fc.oneof(anything, mutatedMessage), (raw) => {
          expect(typeof guard(raw)).toBe('boolean');
        }),
        { numRuns: 200 },
      );
    });
  }

  it('ExtensionChannel turns any incoming message into an event, never a throw', () => {
    let deliver: (message: unknown) => void = () => undefined;
    const channel = new ExtensionChannel(
      {
        send: () => undefined,
        onMessage: (listener) => {
          deliver = listener;
          return () => undefined;
        },
        onClose: () => () => undefined,
      },
      { role: 'primary' },
    );
    const errors: ProtocolError[] = [];
    channel.on('protocolError', (error) => errors.push(error));
    fc.assert(
      fc.property(fc.oneof(anything, mutatedMessage, extensionMessage), (raw) => {
        expect(() => deliver(raw)).not.toThrow();
      }),
      { numRuns: 300 },
    );
    for (const error of errors) expect(codes.has(error.code)).toBe(true);
    channel.close();
  });
});

const families = [
  ['worker messages', workerMessage, parseWorkerMessage],
  ['primary messages', primaryMessage, parsePrimaryMessage],
  ['extension messages', extensionMessage, parseExtensionMessage],
] as const;

describe.each(families)('valid %s', (_name, arbitrary, parse) => {
  it('parse as generated, to the same object', () => {
    fc.assert(
      fc.property(arbitrary, (message) => {
        const result = parse(message);
        if (!result.ok) throw result.error;
        expect(result.message).toBe(message);
      }),
      { numRuns: 300 },
    );
  });

  it('round-trip losslessly through JSON (the `json` serialization) and still parse to an equal value', () => {
    fc.assert(
      fc.property(arbitrary, (message) => {
        const copy = jsonRoundTrip(message);
        expect(copy).toStrictEqual(message);
        const result = parse(copy);
        if (!result.ok) throw result.error;
        expect(result.message).toStrictEqual(message);
      }),
      { numRuns: 300 },
    );
  });

  it('round-trip losslessly through v8 serialize/deserialize (the `advanced` serialization) and still parse', () => {
    fc.assert(
      fc.property(arbitrary, (message) => {
        const copy = v8RoundTrip(message);
        expect(copy).toStrictEqual(message);
        const result = parse(copy);
        if (!result.ok) throw result.error;
        expect(result.message).toStrictEqual(message);
      }),
      { numRuns: 300 },
    );
  });
});

describe('Node messages under `advanced` serialization', () => {
  it('keep their undefined-valued fields and still parse', () => {
    const withUndefined = workerMessage.map((message) => ({
      ...message,
      ...(message.act === 'queryServer' || message.act === 'listening'
        ? { fd: message.fd, flags: message.flags, backlog: message.backlog }
        : {}),
    }));
    fc.assert(
      fc.property(withUndefined, (message) => {
        const copy = v8RoundTrip(message);
        expect(copy).toStrictEqual(message);
        expect(parseWorkerMessage(copy).ok).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
