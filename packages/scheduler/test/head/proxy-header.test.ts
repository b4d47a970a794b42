// parseProxyHeader against v1 lines and v2 headers built byte by byte from the spec, every prefix, and garbage.
import { SocketAddress } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseProxyHeader } from '../../src/index.js';

const text = (value: string) => new TextEncoder().encode(value);
const concat = (...parts: ArrayLike<number>[]) => Uint8Array.from(parts.flatMap((part) => Array.from(part)));

const signature = [0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a];
const u16 = (value: number) => [value >> 8, value & 0xff];

/** A v2 header: signature, version 2 + command, family + protocol, length, then `body` (addresses, TLVs). */
function v2(command: number, familyProtocol: number, body: number[]): Uint8Array {
  return Uint8Array.from([...signature, 0x20 | command, familyProtocol, ...u16(body.length), ...body]);
}

const tlv = (type: number, value: number[]) => [type, ...u16(value.length), ...value];

function expectEveryPrefixPartial(header: Uint8Array): void {
  for (let length = 0; length < header.length; length++) {
    expect(parseProxyHeader(header.subarray(0, length)), `prefix of ${length} bytes`).toEqual({
      state: 'partial',
    });
  }
}

describe('PROXY protocol v1', () => {
  it('reads TCP4 and reports the header length, whatever follows', () => {
    const header = 'PROXY TCP4 192.168.0.1 10.0.0.2 56324 443\r\n';
    expect(parseProxyHeader(text(`${header}GET / HTTP/1.1\r\n`))).toEqual({
      state: 'complete',
      length: header.length,
      info: {
        version: 1,
        command: 'proxy',
        family: 'IPv4',
        sourceAddress: '192.168.0.1',
        sourcePort: 56324,
        destinationAddress: '10.0.0.2',
        destinationPort: 443,
      },
    });
  });

  it('reads TCP6 and prints the addresses as Node does', () => {
    const result = parseProxyHeader(text('PROXY TCP6 2001:DB8:0:0:0:0:0:1 ::FFFF:10.1.2.3 0 65535\r\n'));
    expect(result).toMatchObject({
      state: 'complete',
      info: {
        family: 'IPv6',
        sourceAddress: '2001:db8::1',
        destinationAddress: '::ffff:10.1.2.3',
        sourcePort: 0,
        destinationPort: 65535,
      },
    });
  });

  it('reads UNKNOWN, with or without addresses, as a local connection', () => {
    for (const line of [
      'PROXY UNKNOWN\r\n',
      'PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535\r\n',
    ]) {
      expect(parseProxyHeader(text(line))).toEqual({
        state: 'complete',
        length: line.length,
        info: { version: 1, command: 'local', family: 'unknown' },
      });
    }
  });

  it('accepts a line of exactly 107 bytes and refuses a longer one', () => {
    const address = 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff';
    const longest = `PROXY TCP6 ${address} ${address} 65535 65535\r\n`;
    expect(longest.length).toBe(104);
    const padded = `PROXY UNKNOWN ${'x'.repeat(107 - 16)}\r\n`;
    expect(padded.length).toBe(107);
    expect(parseProxyHeader(text(padded))).toMatchObject({ state: 'complete', length: 107 });
    const tooLong = `PROXY UNKNOWN ${'x'.repeat(107 - 15)}\r\n`;
    expect(parseProxyHeader(text(tooLong))).toMatchObject({ state: 'invalid' });
    // No CRLF in the first 107 bytes: invalid at once, however many more bytes come.
    expect(parseProxyHeader(text(`PROXY UNKNOWN ${'x'.repeat(200)}`))).toMatchObject({ state: 'invalid' });
  });

  it('is partial on every prefix of a valid line', () => {
    expectEveryPrefixPartial(text('PROXY TCP4 127.0.0.2 127.0.0.1 40000 8080\r\n'));
    expectEveryPrefixPartial(text('PROXY TCP6 ::1 ::1 1 2\r\n'));
    expectEveryPrefixPartial(text('PROXY UNKNOWN\r\n'));
  });

  it.each([
    ['an unknown protocol', 'PROXY UDP4 1.2.3.4 1.2.3.4 1 2\r\n'],
    ['a protocol that only starts like UNKNOWN', 'PROXY UNKNOWNX\r\n'],
    ['an IPv6 address under TCP4', 'PROXY TCP4 ::1 ::1 1 2\r\n'],
    ['an IPv4 address under TCP6', 'PROXY TCP6 1.2.3.4 1.2.3.4 1 2\r\n'],
    ['an octet over 255', 'PROXY TCP4 1.2.3.256 1.2.3.4 1 2\r\n'],
    ['an octet with a leading zero', 'PROXY TCP4 1.2.3.04 1.2.3.4 1 2\r\n'],
    ['three octets', 'PROXY TCP4 1.2.3 1.2.3.4 1 2\r\n'],
    ['two "::"', 'PROXY TCP6 1::2::3 ::1 1 2\r\n'],
    ['nine groups', 'PROXY TCP6 1:2:3:4:5:6:7:8:9 ::1 1 2\r\n'],
    ['a port over 65535', 'PROXY TCP4 1.2.3.4 1.2.3.4 65536 2\r\n'],
    ['a port with a leading zero', 'PROXY TCP4 1.2.3.4 1.2.3.4 01 2\r\n'],
    ['a negative port', 'PROXY TCP4 1.2.3.4 1.2.3.4 -1 2\r\n'],
    ['a missing port', 'PROXY TCP4 1.2.3.4 1.2.3.4 1\r\n'],
    ['two spaces', 'PROXY TCP4  1.2.3.4 1.2.3.4 1 2\r\n'],
    ['a trailing space', 'PROXY TCP4 1.2.3.4 1.2.3.4 1 2 \r\n'],
    ['a CR without LF', 'PROXY TCP4 1.2.3.4 1.2.3.4 1 2\rX'],
    ['a bare LF', 'PROXY TCP4 1.2.3.4 1.2.3.4 1 2\n'],
    ['a tab', 'PROXY TCP4\t1.2.3.4 1.2.3.4 1 2\r\n'],
  ])('refuses %s', (_, line) => {
    const result = parseProxyHeader(text(line));
    expect(result.state).toBe('invalid');
    expect(result).toHaveProperty('reason', expect.any(String));
  });

  it('tells a request apart from a v1 header as soon as the bytes differ', () => {
    expect(parseProxyHeader(text('G'))).toEqual({ state: 'none' });
    expect(parseProxyHeader(text('\x16\x03\x01'))).toEqual({ state: 'none' });
    expect(parseProxyHeader(text('PRI * HTTP/2.0'))).toEqual({ state: 'none' });
    expect(parseProxyHeader(text('PROPFIND / HTTP/1.1'))).toEqual({ state: 'none' });
    expect(parseProxyHeader(text('PROXY'))).toEqual({ state: 'partial' });
    expect(parseProxyHeader(text('PROXYx'))).toEqual({ state: 'none' });
  });
});

describe('PROXY protocol v2', () => {
  const ipv4 = [192, 0, 2, 1, 198, 51, 100, 7, ...u16(51000), ...u16(443)];

  it('reads TCP over IPv4', () => {
    const header = v2(1, 0x11, ipv4);
    expect(header.length).toBe(28);
    expect(parseProxyHeader(concat(header, text('GET /')))).toEqual({
      state: 'complete',
      length: 28,
      info: {
        version: 2,
        command: 'proxy',
        family: 'IPv4',
        sourceAddress: '192.0.2.1',
        sourcePort: 51000,
        destinationAddress: '198.51.100.7',
        destinationPort: 443,
      },
    });
  });

  it('reads UDP over IPv4 and TCP over IPv6', () => {
    expect(parseProxyHeader(v2(1, 0x12, ipv4))).toMatchObject({
      state: 'complete',
      info: { family: 'IPv4' },
    });
    const source = [0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), 0x01];
    const destination = [...new Array(10).fill(0), 0xff, 0xff, 127, 0, 0, 1];
    expect(parseProxyHeader(v2(1, 0x21, [...source, ...destination, ...u16(1), ...u16(2)]))).toEqual({
      state: 'complete',
      length: 16 + 36,
      info: {
        version: 2,
        command: 'proxy',
        family: 'IPv6',
        sourceAddress: '2001:db8::1',
        sourcePort: 1,
        destinationAddress: '::ffff:127.0.0.1',
        destinationPort: 2,
      },
    });
  });

  it('reads AF_UNIX paths up to their NUL', () => {
    const path = (value: string) => {
      const bytes = new Array<number>(108).fill(0);
      bytes.splice(0, value.length, ...text(value));
      return bytes.slice(0, 108);
    };
    expect(
      parseProxyHeader(v2(1, 0x31, [...path('/run/client.sock'), ...path('/run/haproxy.sock')])),
    ).toEqual({
      state: 'complete',
      length: 16 + 216,
      info: {
        version: 2,
        command: 'proxy',
        family: 'unix',
        sourceAddress: '/run/client.sock',
        destinationAddress: '/run/haproxy.sock',
      },
    });
  });

  it('skips TLVs after the addresses, counting them in the length', () => {
    const tlvs = [...tlv(0x01, [...text('h2')]), ...tlv(0x02, [...text('example.com')]), ...tlv(0x04, [])];
    const header = v2(1, 0x11, [...ipv4, ...tlvs]);
    const result = parseProxyHeader(concat(header, text('payload')));
    expect(result).toMatchObject({
      state: 'complete',
      length: header.length,
      info: { sourceAddress: '192.0.2.1' },
    });
  });

  it('reads LOCAL as a local connection, ignoring any address block', () => {
    expect(parseProxyHeader(v2(0, 0x00, []))).toEqual({
      state: 'complete',
      length: 16,
      info: { version: 2, command: 'local', family: 'unknown' },
    });
    expect(parseProxyHeader(v2(0, 0x11, ipv4))).toMatchObject({ length: 28, info: { command: 'local' } });
  });

  it('reads PROXY with AF_UNSPEC as a proxied connection without addresses', () => {
    expect(parseProxyHeader(v2(1, 0x00, [1, 2, 3]))).toEqual({
      state: 'complete',
      length: 19,
      info: { version: 2, command: 'proxy', family: 'unknown' },
    });
  });

  it('is partial on every prefix of a valid header', () => {
    expectEveryPrefixPartial(v2(1, 0x11, ipv4));
    expectEveryPrefixPartial(v2(1, 0x21, new Array(36 + 7).fill(9)));
    expectEveryPrefixPartial(v2(0, 0x00, []));
  });

  it.each([
    ['version 1 in the binary form', [...signature, 0x11, 0x11, 0, 12, ...ipv4]],
    ['version 3', [...signature, 0x31, 0x11, 0, 12, ...ipv4]],
    ['command 2', [...signature, 0x22, 0x11, 0, 12, ...ipv4]],
    ['address family 4', [...signature, 0x21, 0x41, 0, 12, ...ipv4]],
    ['transport protocol 3', [...signature, 0x21, 0x13, 0, 12, ...ipv4]],
    ['an IPv4 block shorter than 12 bytes', [...signature, 0x21, 0x11, 0, 11, ...ipv4.slice(0, 11)]],
    ['an IPv6 block shorter than 36 bytes', [...signature, 0x21, 0x21, 0, 12, ...ipv4]],
    ['an AF_UNIX block shorter than 216 bytes', [...signature, 0x21, 0x31, 0, 12, ...ipv4]],
  ])('refuses %s', (_, bytes) => {
    expect(parseProxyHeader(Uint8Array.from(bytes)).state).toBe('invalid');
  });

  it('knows a bad version or short block before the addresses arrive', () => {
    expect(parseProxyHeader(Uint8Array.from([...signature, 0x31])).state).toBe('invalid');
    expect(parseProxyHeader(Uint8Array.from([...signature, 0x21, 0x21, 0, 12])).state).toBe('invalid');
  });

  it('is none as soon as the signature breaks', () => {
    expect(parseProxyHeader(Uint8Array.from([0x0d, 0x0a, 0x47]))).toEqual({ state: 'none' });
    expect(parseProxyHeader(Uint8Array.from([...signature.slice(0, 11), 0x0d]))).toEqual({ state: 'none' });
  });

  it('prints any IPv6 address as node:net does', () => {
    const word = fc.oneof(
      fc.constant(0),
      fc.constant(0),
      fc.constant(0xffff),
      fc.integer({ min: 0, max: 0xffff }),
    );
    fc.assert(
      fc.property(fc.array(word, { minLength: 8, maxLength: 8 }), (words) => {
        const bytes = words.flatMap(u16);
        const result = parseProxyHeader(v2(1, 0x21, [...bytes, ...bytes, 0, 1, 0, 2]));
        const expected = new SocketAddress({
          address: words.map((w) => w.toString(16)).join(':'),
          family: 'ipv6',
        });
        expect(result).toMatchObject({ info: { sourceAddress: expected.address } });
        // The same address through v1's text form comes out the same.
        const line = `PROXY TCP6 ${words.map((w) => w.toString(16).toUpperCase()).join(':')} ::1 1 2\r\n`;
        expect(parseProxyHeader(text(line))).toMatchObject({ info: { sourceAddress: expected.address } });
      }),
      { numRuns: 500 },
    );
  });
});

describe('any bytes', () => {
  it('never throw, and a longer input never turns none or invalid into something else', () => {
    const start = fc.constantFrom(
      [],
      [...text('PROXY ')],
      [...text('PROXY TCP4 ')],
      [...text('PROXY TCP6 ')],
      signature,
      [...signature, 0x21],
      [...signature, 0x21, 0x11],
    );
    fc.assert(
      fc.property(
        start,
        fc.uint8Array({ maxLength: 140 }),
        fc.uint8Array({ maxLength: 40 }),
        (head, body, more) => {
          const bytes = concat(head, body);
          const result = parseProxyHeader(bytes);
          const longer = parseProxyHeader(concat(bytes, more));
          if (result.state === 'none' || result.state === 'invalid') expect(longer.state).toBe(result.state);
          if (result.state === 'complete') expect(longer).toEqual(result);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
