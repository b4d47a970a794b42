// createHeadReader and parseRouteBy: option checks, sources in order, early and final answers, and properties
// over arbitrary and generated requests (never throws, monotone, finds the value put in).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createHeadReader,
  type HeadRequest,
  type HeadVerdict,
  parseRouteBy,
  type RouteBy,
} from '../../src/index.js';

const text = (value: string) => new TextEncoder().encode(value);
const concat = (...parts: ArrayLike<number>[]) => Uint8Array.from(parts.flatMap((part) => Array.from(part)));

const proxyV1 = 'PROXY TCP4 203.0.113.7 10.0.0.1 40000 80\r\n';
const proxyInfo = {
  version: 1,
  command: 'proxy',
  family: 'IPv4',
  sourceAddress: '203.0.113.7',
  sourcePort: 40000,
  destinationAddress: '10.0.0.1',
  destinationPort: 80,
};
const request = 'GET /socket.io/?EIO=4&sid=q1 HTTP/1.1\r\nHost: h\r\nCookie: io=c1\r\nX-User: u1\r\n\r\n';

/** Feeds every prefix (not final) until done, then returns that verdict; final on the whole input if never. */
function feed(reader: HeadRequest, bytes: Uint8Array): { verdict: HeadVerdict; at: number } {
  for (let at = 0; at <= bytes.length; at++) {
    const verdict = reader.examine(bytes.subarray(0, at), false);
    if (verdict.done) return { verdict, at };
  }
  return { verdict: reader.examine(bytes, true), at: Number.POSITIVE_INFINITY };
}

describe('parseRouteBy', () => {
  it('normalises one source or a list: header names lower-cased, repeats dropped', () => {
    expect(parseRouteBy('proxy')).toEqual(['proxy']);
    expect(parseRouteBy(['header:X-User', 'cookie:IO', 'header:x-user', 'query:a b', 'proxy'])).toEqual([
      'header:x-user',
      'cookie:IO',
      'query:a b',
      'proxy',
    ]);
    expect(Object.isFrozen(parseRouteBy('proxy'))).toBe(true);
  });

  it.each([
    ['foo'],
    ['cookie:'],
    ['header:'],
    ['query:'],
    ['header:x y'],
    ['cookie:a;b'],
    ['Cookie:io'],
    [''],
    [[]],
    [['proxy', 'nope']],
  ])('refuses %j with ERR_INVALID_ARG_VALUE', (spec) => {
    expect(() => parseRouteBy(spec as RouteBy)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', name: 'TypeError' }),
    );
  });

  it.each([[1], [null], [{}], [['proxy', 2]]])('refuses %j with ERR_INVALID_ARG_TYPE', (spec) => {
    expect(() => parseRouteBy(spec as unknown as RouteBy)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE', name: 'TypeError' }),
    );
  });

  it('names the bad element of a list', () => {
    expect(() => parseRouteBy(['proxy', 'foo' as RouteBy])).toThrow(/routeBy\[1\]/);
  });
});

describe('createHeadReader', () => {
  it('has the defaults and the normalised sources', () => {
    const reader = createHeadReader(['header:X-A', 'proxy']);
    expect(reader).toMatchObject({ maxBytes: 16384, timeoutMs: 2000, routeBy: ['header:x-a', 'proxy'] });
    expect(createHeadReader('proxy', { maxBytes: 1, timeoutMs: 5 })).toMatchObject({
      maxBytes: 1,
      timeoutMs: 5,
    });
  });

  it('checks its options', () => {
    const code = (c: string) => expect.objectContaining({ code: c });
    expect(() => createHeadReader('foo' as RouteBy)).toThrow(code('ERR_INVALID_ARG_VALUE'));
    expect(() => createHeadReader('proxy', null as never)).toThrow(code('ERR_INVALID_ARG_TYPE'));
    expect(() => createHeadReader('proxy', { maxBytes: '1' as never })).toThrow(code('ERR_INVALID_ARG_TYPE'));
    expect(() => createHeadReader('proxy', { maxBytes: 0 })).toThrow(code('ERR_OUT_OF_RANGE'));
    expect(() => createHeadReader('proxy', { maxBytes: 1.5 })).toThrow(code('ERR_OUT_OF_RANGE'));
    expect(() => createHeadReader('proxy', { maxBytes: 2 ** 20 + 1 })).toThrow(code('ERR_OUT_OF_RANGE'));
    expect(() => createHeadReader('proxy', { timeoutMs: 0 })).toThrow(code('ERR_OUT_OF_RANGE'));
    expect(() => createHeadReader('proxy', { timeoutMs: 2 ** 31 })).toThrow(code('ERR_OUT_OF_RANGE'));
  });

  it('routes by the PROXY source address, done as soon as the header is whole', () => {
    const bytes = text(`${proxyV1}${request}`);
    const { verdict, at } = feed(createHeadReader('proxy'), bytes);
    expect(at).toBe(proxyV1.length);
    expect(verdict).toEqual({
      done: true,
      routingKey: '203.0.113.7',
      proxy: proxyInfo,
      proxyLength: proxyV1.length,
    });
  });

  it('always reports a PROXY header, whatever the sources', () => {
    const { verdict } = feed(createHeadReader('cookie:io'), text(`${proxyV1}${request}`));
    expect(verdict).toEqual({ done: true, routingKey: 'c1', proxy: proxyInfo, proxyLength: proxyV1.length });
  });

  it('done at once without a key when there is no PROXY header and only proxy is asked for', () => {
    expect(createHeadReader('proxy').examine(text('G'), false)).toEqual({ done: true, proxyLength: 0 });
  });

  it('gives no key for a LOCAL header and tries the next source', () => {
    const local = 'PROXY UNKNOWN\r\n';
    const { verdict } = feed(createHeadReader(['proxy', 'header:x-user']), text(`${local}${request}`));
    expect(verdict).toEqual({
      done: true,
      routingKey: 'u1',
      proxy: { version: 1, command: 'local', family: 'unknown' },
      proxyLength: local.length,
    });
  });

  it('needs only the request line for a query source', () => {
    const { verdict, at } = feed(createHeadReader('query:sid'), text(request));
    expect(at).toBe(request.indexOf('\n') + 1);
    expect(verdict).toEqual({ done: true, routingKey: 'q1', proxyLength: 0 });
  });

  it('takes the first source in order that yields a value', () => {
    const bytes = text(`${proxyV1}${request}`);
    expect(feed(createHeadReader(['cookie:none', 'header:x-user', 'proxy']), bytes).verdict).toMatchObject({
      routingKey: 'u1',
    });
    expect(feed(createHeadReader(['query:none', 'proxy', 'cookie:io']), bytes).verdict).toMatchObject({
      routingKey: '203.0.113.7',
    });
    // The proxy source comes first and yields: no need to wait for the HTTP head.
    expect(feed(createHeadReader(['proxy', 'cookie:io']), bytes).at).toBe(proxyV1.length);
    // An empty value does not win.
    const empty = text('GET /?sid= HTTP/1.1\r\nX-User:\r\n\r\n');
    expect(feed(createHeadReader(['query:sid', 'header:x-user', 'proxy']), empty).verdict).toEqual({
      done: true,
      proxyLength: 0,
    });
  });

  it('waits for the whole header block before a cookie or header answer, since a repeat could follow', () => {
    const reader = createHeadReader('header:accept');
    expect(reader.examine(text('GET / HTTP/1.1\r\nAccept: a\r\n'), false)).toEqual({ done: false });
    expect(reader.examine(text('GET / HTTP/1.1\r\nAccept: a\r\nAccept: b\r\n\r\n'), false)).toMatchObject({
      routingKey: 'a, b',
    });
  });

  it('is done without a key as soon as the bytes are not HTTP', () => {
    const reader = createHeadReader(['cookie:io', 'query:sid']);
    expect(reader.examine(Uint8Array.of(0x16), false)).toEqual({ done: true, proxyLength: 0 });
    expect(reader.examine(text('PRI * HTTP/2.0\r\n'), false)).toEqual({ done: true, proxyLength: 0 });
    // Not HTTP after a PROXY header: the PROXY header is still reported, and a proxy source still counts.
    const tls = concat(text(proxyV1), [0x16, 0x03, 0x01]);
    expect(createHeadReader(['cookie:io', 'proxy']).examine(tls, false)).toEqual({
      done: true,
      routingKey: '203.0.113.7',
      proxy: proxyInfo,
      proxyLength: proxyV1.length,
    });
  });

  it('answers with what is known when final', () => {
    const reader = createHeadReader(['cookie:io', 'query:sid']);
    const partialHead = text('GET /?sid=s2 HTTP/1.1\r\nCookie: io=c2\r\nHost');
    expect(reader.examine(partialHead, false)).toEqual({ done: false });
    // Lines read whole count: the cookie line, though the block never ended.
    expect(reader.examine(partialHead, true)).toEqual({ done: true, routingKey: 'c2', proxyLength: 0 });
    expect(reader.examine(text('GET /?sid=s2 HTTP/1.1\r\nHost'), true)).toMatchObject({ routingKey: 's2' });
    expect(reader.examine(text('GET /?sid=s2 HTT'), true)).toEqual({ done: true, proxyLength: 0 });
    expect(reader.examine(new Uint8Array(0), true)).toEqual({ done: true, proxyLength: 0 });
    // A PROXY header cut short: nothing to strip.
    expect(createHeadReader('proxy').examine(text('PROXY TCP4 1.2.'), true)).toEqual({
      done: true,
      proxyLength: 0,
    });
  });

  it('done without a key or a PROXY header to strip when the header is invalid', () => {
    const bad = text('PROXY TCP4 1.2.3.999 1.2.3.4 1 2\r\nGET / HTTP/1.1\r\n\r\n');
    expect(createHeadReader(['proxy', 'query:a']).examine(bad, false)).toEqual({
      done: true,
      proxyLength: 0,
    });
  });

  it('open() gives a per-connection examiner that agrees with examine at every split', () => {
    const reader = createHeadReader(['cookie:io', 'proxy']);
    const bytes = text(`${proxyV1}${request}`);
    const expected = reader.examine(bytes, false);
    for (let split = 0; split <= bytes.length; split++) {
      const examiner = reader.open();
      const first = examiner.examine(bytes.subarray(0, split), false);
      expect(first.done ? first : examiner.examine(bytes, false)).toEqual(expected);
    }
  });
});

// --- properties

const routeBy = fc.array(
  fc.constantFrom<RouteBy>(
    'proxy',
    'cookie:io',
    'cookie:sid',
    'header:x-user',
    'header:x-forwarded-for',
    'query:sid',
  ),
  { minLength: 1, maxLength: 4 },
);

/** Bytes that look enough like the real thing to reach every branch: PROXY headers, request pieces, noise. */
const piece = fc.oneof(
  fc.constantFrom(
    proxyV1,
    'PROXY UNKNOWN\r\n',
    'PROXY TCP6 ::1 ::2 1 2\r\n',
    'GET /?sid=1 HTTP/1.1\r\n',
    'GET / HTTP/1.0\n',
    'GET /?sid=7 HTTP/1.1',
    'Cookie: io=8',
    '\r',
    'Cookie: io=2; sid="3"\r\n',
    'X-User: 4\r\n',
    'X-Forwarded-For: 5, 6\r\n',
    '\r\n',
    '\n',
    ' ',
    ':',
  ),
  fc.string({ maxLength: 8 }),
);
const v2Start = [
  0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a, 0x21, 0x11, 0x00, 0x0c,
];
const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  fc.array(piece, { maxLength: 8 }).map((pieces) => text(pieces.join(''))),
  fc
    .tuple(fc.uint8Array({ minLength: 12, maxLength: 20 }), fc.array(piece, { maxLength: 5 }))
    .map(([head, pieces]) => concat(v2Start, head, text(pieces.join('')))),
);

describe('properties', () => {
  it('examine never throws, is done when final, and is monotone once done', () => {
    fc.assert(
      fc.property(routeBy, bytes, fc.nat(250), (sources, input, cut) => {
        const reader = createHeadReader(sources);
        const at = Math.min(cut, input.length);
        const early = reader.examine(input.subarray(0, at), false);
        const whole = reader.examine(input, false);
        const final = reader.examine(input, true);
        expect(final.done).toBe(true);
        if (early.done) {
          expect(whole).toEqual(early);
          expect(final).toEqual(early);
        }
        if (whole.done) expect(final).toEqual(whole);
        // The per-connection examiner agrees with the stateless examine.
        const examiner = reader.open();
        const stepped = examiner.examine(input.subarray(0, at), false);
        expect(stepped).toEqual(early);
        if (!stepped.done) expect(examiner.examine(input, false)).toEqual(whole);
      }),
      { numRuns: 3000 },
    );
  });

  const token = fc.string({
    unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_'),
    minLength: 1,
    maxLength: 12,
  });
  const value = fc.string({
    unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~+/='),
    minLength: 1,
    maxLength: 24,
  });
  const filler = fc.array(
    fc.tuple(
      token.map((name) => `x-${name}`),
      value,
    ),
    { maxLength: 4 },
  );

  it('finds a cookie, header or query value put into a generated request, at every split', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('cookie', 'header', 'query'),
        token,
        value,
        filler,
        filler,
        fc.boolean(),
        fc.nat(),
        (kind, name, wanted, before, after, withProxy, split) => {
          const headers = [...before.map(([n, v]) => `${n}: ${v}`)];
          let target = '/path';
          if (kind === 'query')
            target += `?other=1&${encodeURIComponent(name)}=${encodeURIComponent(wanted)}&${name}=later`;
          if (kind === 'cookie') headers.push(`Cookie: other=1; ${name}=${wanted}; ${name}=later`);
          if (kind === 'header') headers.push(`Y-${name}:  ${wanted} `);
          headers.push(...after.map(([n, v]) => `${n}: ${v}`));
          const head = `${withProxy ? proxyV1 : ''}GET ${target} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\nbody`;
          const source = (kind === 'header' ? `header:Y-${name}` : `${kind}:${name}`) as RouteBy;
          const input = text(head);
          const reader = createHeadReader([source, 'proxy']);
          const expected = {
            done: true,
            routingKey: wanted,
            proxyLength: withProxy ? proxyV1.length : 0,
            ...(withProxy ? { proxy: proxyInfo } : {}),
          };
          expect(reader.examine(input, false)).toEqual(expected);
          const examiner = reader.open();
          const first = examiner.examine(input.subarray(0, split % (input.length + 1)), false);
          expect(first.done ? first : examiner.examine(input, false)).toEqual(expected);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('examines a head fed a byte at a time in linear time with open()', () => {
    const line = 'X-Filler: 0123456789012345678901234567890123456789\r\n';
    const input = text(`GET / HTTP/1.1\r\n${line.repeat(300)}Cookie: io=last\r\n\r\n`);
    expect(input.length).toBeLessThan(16384);
    const examiner = createHeadReader('cookie:io').open();
    let verdict: HeadVerdict = { done: false };
    for (let at = 1; at <= input.length && !verdict.done; at++)
      verdict = examiner.examine(input.subarray(0, at), false);
    expect(verdict).toEqual({ done: true, routingKey: 'last', proxyLength: 0 });
  });
});
