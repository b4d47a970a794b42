// The HTTP/1 head parser: whole heads, every split, early not-http, and the cookie/header/query readers.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  getCookie,
  getHeader,
  getQueryParameter,
  HttpHeadParser,
  type HttpHeadState,
  parseHttpHead,
} from '../../src/head/http-head.js';

const text = (value: string) => new TextEncoder().encode(value);
const latin1 = (value: string) => Uint8Array.from(value, (char) => char.charCodeAt(0));

const request =
  'GET /socket.io/?EIO=4&transport=polling&sid=abc HTTP/1.1\r\n' +
  'Host: example.com\r\n' +
  'Cookie: a=1; io=xyz\r\n' +
  'X-Forwarded-For:  203.0.113.9, 10.0.0.1 \r\n' +
  'Accept: */*\r\n' +
  '\r\n';

describe('parseHttpHead', () => {
  it('reads the request line and the header block, names lower-cased, values trimmed', () => {
    const bytes = text(`${request}body`);
    expect(parseHttpHead(bytes)).toEqual({
      state: 'complete',
      requestLine: { method: 'GET', target: '/socket.io/?EIO=4&transport=polling&sid=abc', version: '1.1' },
      headers: [
        ['host', 'example.com'],
        ['cookie', 'a=1; io=xyz'],
        ['x-forwarded-for', '203.0.113.9, 10.0.0.1'],
        ['accept', '*/*'],
      ],
      length: request.length,
    });
  });

  it('starts where it is told (after a PROXY header) and accepts bare LF and leading empty lines', () => {
    const bytes = text('XXXX\r\nPOST /x HTTP/1.0\nA: b\n\n');
    expect(parseHttpHead(bytes, 4)).toEqual({
      state: 'complete',
      requestLine: { method: 'POST', target: '/x', version: '1.0' },
      headers: [['a', 'b']],
      length: bytes.length - 4,
    });
  });

  it('gives the same answer however the bytes are split', () => {
    const bytes = text(request);
    const whole = parseHttpHead(bytes);
    for (let split = 0; split <= bytes.length; split++) {
      const parser = new HttpHeadParser();
      const first = parser.examine(bytes.subarray(0, split));
      if (split < bytes.length) expect(first.state).toBe('partial');
      expect(parser.examine(bytes)).toEqual(whole);
    }
  });

  it('reports the request line as soon as it is whole, headers as each line ends', () => {
    const parser = new HttpHeadParser();
    expect(parser.examine(text('GET /a?b=c HTTP/1.1'))).toEqual({ state: 'partial', headers: [] });
    expect(parser.examine(text('GET /a?b=c HTTP/1.1\r\nHost: h\r'))).toEqual({
      state: 'partial',
      requestLine: { method: 'GET', target: '/a?b=c', version: '1.1' },
      headers: [],
    });
    expect(parser.examine(text('GET /a?b=c HTTP/1.1\r\nHost: h\r\n'))).toMatchObject({
      headers: [['host', 'h']],
    });
  });

  it('is partial on every prefix of a request', () => {
    const bytes = text(request);
    for (let length = 0; length < bytes.length; length++) {
      expect(parseHttpHead(bytes.subarray(0, length)).state).toBe('partial');
    }
  });

  it.each([
    ['a TLS ClientHello', [0x16, 0x03, 0x01, 0x02, 0x00], 1],
    ['HTTP/2 preface', [...text('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n')], 'PRI * HTTP/2'.length],
    ['a NUL', [0], 1],
    ['a space first', [...text(' GET / HTTP/1.1\r\n')], 1],
    ['HTTP/1.2', [...text('GET / HTTP/1.2\r\n')], 'GET / HTTP/1.2'.length],
    ['HTTP/0.9 (no version)', [...text('GET /\r\n\r\n')], 'GET /\r'.length],
    ['two spaces after the method', [...text('GET  / HTTP/1.1\r\n')], 'GET  '.length],
    [
      'a space in a header name',
      [...text('GET / HTTP/1.1\r\nHo st: x\r\n\r\n')],
      'GET / HTTP/1.1\r\nHo '.length,
    ],
    [
      'a folded header line',
      [...text('GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n')],
      'GET / HTTP/1.1\r\nA: b\r\n '.length,
    ],
    [
      'a control byte in a value',
      [...text('GET / HTTP/1.1\r\nA: b\x01\r\n\r\n')],
      'GET / HTTP/1.1\r\nA: b\x01'.length,
    ],
    ['a CR without LF', [...text('GET / HTTP/1.1\rX')], 'GET / HTTP/1.1\rX'.length],
  ])('says not-http for %s as soon as it shows', (_, bytes, at) => {
    const input = Uint8Array.from(bytes);
    expect(parseHttpHead(input.subarray(0, at - 1)).state).toBe('partial');
    expect(parseHttpHead(input.subarray(0, at)).state).toBe('not-http');
    expect(parseHttpHead(input).state).toBe('not-http');
  });

  it('keeps a whole request line when a later line goes wrong', () => {
    expect(parseHttpHead(text('GET /?k=v HTTP/1.1\r\n\x01'))).toEqual({
      state: 'not-http',
      requestLine: { method: 'GET', target: '/?k=v', version: '1.1' },
    });
  });

  it('decodes bytes over 0x7f one char each, as Node does', () => {
    const result = parseHttpHead(latin1('GET /\xe9 HTTP/1.1\r\nX: caf\xe9\r\n\r\n'));
    expect(result).toMatchObject({ requestLine: { target: '/\xe9' }, headers: [['x', 'caf\xe9']] });
  });

  it('never throws and parses in linear time', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(300), (bytes, split) => {
        const parser = new HttpHeadParser();
        parser.examine(bytes.subarray(0, split));
        expect(parser.examine(bytes)).toEqual(parseHttpHead(bytes));
      }),
      { numRuns: 2000 },
    );
    // 1 MiB of header lines, fed 4 KiB at a time: each call reads only the new bytes.
    const line = 'X-Filler: 0123456789012345678901234567890123456789\r\n';
    const big = text(`GET / HTTP/1.1\r\n${line.repeat(Math.ceil((1 << 20) / line.length))}\r\n`);
    const parser = new HttpHeadParser();
    const started = performance.now();
    let state: HttpHeadState = { state: 'partial', headers: [] };
    for (let end = 4096; end < big.length + 4096; end += 4096) state = parser.examine(big.subarray(0, end));
    expect(state.state).toBe('complete');
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('getHeader', () => {
  const headers = (
    parseHttpHead(
      text(
        'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\nAccept: x\r\naccept: y\r\nCookie: c=1\r\nCookie: d=2\r\n' +
          'X-Forwarded-For: 198.51.100.1 , 10.0.0.1\r\nX-Forwarded-For: 10.0.0.2\r\nEmpty:\r\n\r\n',
      ),
    ) as { headers: readonly (readonly [string, string])[] }
  ).headers;

  it('finds a header by any case, joining repeats as Node does', () => {
    expect(getHeader(headers, 'HOST')).toBe('a'); // Node keeps the first Host
    expect(getHeader(headers, 'accept')).toBe('x, y');
    expect(getHeader(headers, 'cookie')).toBe('c=1; d=2');
    expect(getHeader(headers, 'empty')).toBe('');
    expect(getHeader(headers, 'missing')).toBeUndefined();
  });

  it('gives the first x-forwarded-for address, trimmed', () => {
    expect(getHeader(headers, 'X-Forwarded-For')).toBe('198.51.100.1');
  });
});

describe('getCookie', () => {
  const cookies = (value: string) => [['cookie', value] as const];

  it('finds a cookie by exact name, the first of repeats, and unquotes it', () => {
    expect(getCookie(cookies('a=1; io=xyz; io=other'), 'io')).toBe('xyz');
    expect(getCookie(cookies('sid="q v"'), 'sid')).toBe('q v');
    expect(getCookie(cookies(' spaced = v ;x=y'), 'spaced')).toBe('v');
    expect(getCookie(cookies('IO=1'), 'io')).toBeUndefined();
    expect(getCookie(cookies('flag; io'), 'io')).toBeUndefined();
    expect(getCookie(cookies('v=a=b'), 'v')).toBe('a=b');
    expect(getCookie(cookies('v=%20'), 'v')).toBe('%20'); // as sent: no percent-decoding
    expect(getCookie([], 'io')).toBeUndefined();
  });

  it('reads cookies across repeated Cookie headers', () => {
    expect(
      getCookie(
        [
          ['cookie', 'a=1'],
          ['cookie', 'b=2'],
        ],
        'b',
      ),
    ).toBe('2');
  });
});

describe('getQueryParameter', () => {
  it('decodes as URLSearchParams does, first occurrence', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.string({ maxLength: 6, unit: 'grapheme' }),
            fc.string({ maxLength: 6, unit: 'grapheme' }),
          ),
          {
            maxLength: 5,
          },
        ),
        fc.string({ maxLength: 6, unit: 'grapheme' }),
        fc.nat(),
        (pairs, other, index) => {
          // Mostly a name the query holds (repeats included), sometimes another.
          const name = pairs.length > 0 && index % 4 !== 0 ? pairs[index % pairs.length]![0] : other;
          const query = new URLSearchParams(pairs).toString();
          const target = `/p?${query}`;
          const expected = new URLSearchParams(query).get(name) ?? undefined;
          expect(getQueryParameter(target, name)).toBe(expected);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('handles the edges', () => {
    expect(getQueryParameter('/p', 'a')).toBeUndefined();
    expect(getQueryParameter('/p?a', 'a')).toBe('');
    expect(getQueryParameter('/p?&&a=1&', 'a')).toBe('1');
    expect(getQueryParameter('/p?a=%zz%4', 'a')).toBe('%zz%4');
    expect(getQueryParameter('/p?a=%E2%82%AC+x', 'a')).toBe('€ x');
    expect(getQueryParameter('/p?b=1#a=2', 'a')).toBeUndefined();
    expect(getQueryParameter('http://h/p?sid=9', 'sid')).toBe('9');
    expect(getQueryParameter('/p?x%3Dy=1', 'x=y')).toBe('1');
  });
});
