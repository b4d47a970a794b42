// Parses a PROXY protocol header (v1 text, v2 binary) at the start of a connection's bytes: pure, no I/O.
// Addresses come out as Node's `socket.remoteAddress` prints them, so a key is the same whichever way it arrived.
import type { ProxyInfo } from './head-request.js';
import { latin1 } from './latin1.js';

/** What the first bytes of a connection say about a PROXY header. */
export type ProxyHeaderResult =
  /** The bytes cannot start a PROXY header: the connection carries none. */
  | { readonly state: 'none' }
  /** A PROXY header so far: more bytes are needed. */
  | { readonly state: 'partial' }
  /** The bytes start like a PROXY header but break its rules. */
  | { readonly state: 'invalid'; readonly reason: string }
  /** A whole header: `length` bytes, which the app must not see. */
  | { readonly state: 'complete'; readonly length: number; readonly info: ProxyInfo };

const none: ProxyHeaderResult = Object.freeze({ state: 'none' });
const partial: ProxyHeaderResult = Object.freeze({ state: 'partial' });

function invalid(reason: string): ProxyHeaderResult {
  return { state: 'invalid', reason };
}

/** "PROXY " */
const v1Prefix = [0x50, 0x52, 0x4f, 0x58, 0x59, 0x20];
/** \r\n\r\n\0\r\nQUIT\n */
const v2Signature = [0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a];
/** The longest v1 line the spec allows, CRLF included. */
const v1MaxLength = 107;

export function parseProxyHeader(bytes: Uint8Array): ProxyHeaderResult {
  if (bytes.length === 0) return partial;
  if (bytes[0] === v1Prefix[0]) return parseV1(bytes);
  if (bytes[0] === v2Signature[0]) return parseV2(bytes);
  return none;
}

/** How far `bytes` agree with `prefix`: 'no', 'short' (a prefix of it), or 'yes'. */
function matchPrefix(bytes: Uint8Array, prefix: readonly number[]): 'no' | 'short' | 'yes' {
  const n = Math.min(bytes.length, prefix.length);
  for (let i = 0; i < n; i++) if (bytes[i] !== prefix[i]) return 'no';
  return bytes.length < prefix.length ? 'short' : 'yes';
}

// --- v1: "PROXY TCP4|TCP6 src dst sport dport\r\n" or "PROXY UNKNOWN ...\r\n"

const v1Protocols = ['TCP4 ', 'TCP6 ', 'UNKNOWN'];

function parseV1(bytes: Uint8Array): ProxyHeaderResult {
  const prefix = matchPrefix(bytes, v1Prefix);
  if (prefix !== 'yes') return prefix === 'no' ? none : partial;
  let cr = -1;
  const limit = Math.min(bytes.length, v1MaxLength);
  for (let i = v1Prefix.length; i < limit; i++) {
    const byte = bytes[i]!;
    if (byte === 0x0d) {
      cr = i;
      break;
    }
    if (byte < 0x20 || byte > 0x7e) return invalid('the v1 header holds a byte other than printable ASCII');
  }
  const text = latin1(bytes, v1Prefix.length, cr < 0 ? limit : cr);
  if (!v1Protocols.some((protocol) => protocol.startsWith(text.slice(0, protocol.length)))) {
    return invalid('the v1 header names no known protocol (TCP4, TCP6, UNKNOWN)');
  }
  if (cr < 0) {
    return bytes.length >= v1MaxLength
      ? invalid(`the v1 header has no CRLF within ${v1MaxLength} bytes`)
      : partial;
  }
  if (cr === v1MaxLength - 1) return invalid(`the v1 header is longer than ${v1MaxLength} bytes`);
  if (cr + 1 === bytes.length) return partial;
  if (bytes[cr + 1] !== 0x0a) return invalid('the v1 header has a CR not followed by LF');
  const length = cr + 2;
  const fields = text.split(' ');
  // UNKNOWN: the proxy could not tell (or checks its own health); whatever follows is ignored.
  if (fields[0] === 'UNKNOWN') {
    return { state: 'complete', length, info: { version: 1, command: 'local', family: 'unknown' } };
  }
  if (fields[0] !== 'TCP4' && fields[0] !== 'TCP6') {
    return invalid('the v1 header names no known protocol (TCP4, TCP6, UNKNOWN)');
  }
  if (fields.length !== 5) return invalid('a v1 header needs protocol, two addresses and two ports');
  const [protocol, source, destination, sourcePort, destinationPort] = fields as [
    string,
    string,
    string,
    string,
    string,
  ];
  const parse = protocol === 'TCP4' ? formatDottedIPv4 : formatTextIPv6;
  const sourceAddress = parse(source);
  const destinationAddress = parse(destination);
  if (sourceAddress === undefined || destinationAddress === undefined) {
    return invalid(
      `a v1 ${protocol} header with an address that is not ${protocol === 'TCP4' ? 'IPv4' : 'IPv6'}`,
    );
  }
  const sport = parsePort(sourcePort);
  const dport = parsePort(destinationPort);
  if (sport === undefined || dport === undefined) return invalid('a v1 header with a port not in 0..65535');
  return {
    state: 'complete',
    length,
    info: {
      version: 1,
      command: 'proxy',
      family: protocol === 'TCP4' ? 'IPv4' : 'IPv6',
      sourceAddress,
      sourcePort: sport,
      destinationAddress,
      destinationPort: dport,
    },
  };
}

/** A decimal port without leading zeros (as proxies write them), 0..65535. */
function parsePort(text: string): number | undefined {
  if (!/^(?:0|[1-9][0-9]{0,4})$/.test(text)) return undefined;
  const port = Number(text);
  return port <= 0xffff ? port : undefined;
}

/** The address itself if it is dotted-quad IPv4 without leading zeros (what `inet_pton` accepts). */
function formatDottedIPv4(text: string): string | undefined {
  return parseIPv4(text) === undefined ? undefined : text;
}

function parseIPv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const octets: number[] = [];
  for (const part of parts) {
    if (!/^(?:0|[1-9][0-9]{0,2})$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    octets.push(octet);
  }
  return octets;
}

function formatTextIPv6(text: string): string | undefined {
  const words = parseIPv6(text);
  return words === undefined ? undefined : formatIPv6(words);
}

/** The eight 16-bit words of a textual IPv6 address (with `::` and a trailing dotted IPv4 allowed). */
export function parseIPv6(text: string): number[] | undefined {
  if (text.length < 2 || text.length > 45) return undefined;
  const gap = text.indexOf('::');
  if (gap >= 0 && text.indexOf('::', gap + 1) >= 0) return undefined;
  const head = gap < 0 ? text : text.slice(0, gap);
  const tail = gap < 0 ? '' : text.slice(gap + 2);
  const headWords = parseGroups(head, gap < 0);
  const tailWords = parseGroups(tail, true);
  if (headWords === undefined || tailWords === undefined) return undefined;
  if (gap < 0) return headWords.length === 8 ? headWords : undefined;
  const missing = 8 - headWords.length - tailWords.length;
  if (missing < 1) return undefined;
  return [...headWords, ...new Array<number>(missing).fill(0), ...tailWords];
}

/** Colon-separated hex groups; the last may be dotted IPv4 when `last` (it ends the address). */
function parseGroups(text: string, last: boolean): number[] | undefined {
  if (text === '') return [];
  const groups = text.split(':');
  const words: number[] = [];
  for (let i = 0; i < groups.length; i++) {
    const group = groups[i]!;
    if (last && i === groups.length - 1 && group.includes('.')) {
      const octets = parseIPv4(group);
      if (octets === undefined) return undefined;
      words.push((octets[0]! << 8) | octets[1]!, (octets[2]! << 8) | octets[3]!);
    } else {
      if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
      words.push(Number.parseInt(group, 16));
    }
  }
  return words;
}

/**
 * Eight words as Node (libuv) prints an IPv6 address: lower-case hex without leading zeros, the first longest
 * run of two or more zero words as `::`, and `::a.b.c.d` / `::ffff:a.b.c.d` for IPv4-compatible and -mapped ones.
 */
export function formatIPv6(words: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let end = i;
    while (end < 8 && words[end] === 0) end++;
    if (end - i > bestLength) {
      bestStart = i;
      bestLength = end - i;
    }
    i = end;
  }
  if (bestLength < 2) bestStart = -1;
  if (bestStart === 0 && (bestLength === 6 || (bestLength === 5 && words[5] === 0xffff))) {
    const high = words[6]!;
    const low = words[7]!;
    const ipv4 = `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
    return bestLength === 5 ? `::ffff:${ipv4}` : `::${ipv4}`;
  }
  let text = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      text += '::';
      i += bestLength - 1;
      continue;
    }
    if (text !== '' && !text.endsWith(':')) text += ':';
    text += words[i]!.toString(16);
  }
  return text;
}

// --- v2: signature, version/command, family/protocol, length, addresses, TLVs

const v2HeaderLength = 16;
/** Address block sizes by family nibble: AF_INET, AF_INET6, AF_UNIX. */
const v2AddressLength = [0, 12, 36, 216];
const v2Families = ['unknown', 'IPv4', 'IPv6', 'unix'] as const;

function parseV2(bytes: Uint8Array): ProxyHeaderResult {
  const signature = matchPrefix(bytes, v2Signature);
  if (signature !== 'yes') return signature === 'no' ? none : partial;
  if (bytes.length > 12) {
    const versionCommand = bytes[12]!;
    if (versionCommand >> 4 !== 2) return invalid(`a v2 header of version ${versionCommand >> 4}`);
    if ((versionCommand & 0xf) > 1) return invalid(`a v2 header with command ${versionCommand & 0xf}`);
  }
  if (bytes.length < v2HeaderLength) return partial;
  const local = (bytes[12]! & 0xf) === 0;
  const familyProtocol = bytes[13]!;
  const familyCode = familyProtocol >> 4;
  const length = (bytes[14]! << 8) | bytes[15]!;
  // LOCAL: the proxy speaks for itself (a health check); the address block, whatever it holds, is ignored.
  if (!local) {
    if (familyCode > 3) return invalid(`a v2 header with address family ${familyCode}`);
    if ((familyProtocol & 0xf) > 2)
      return invalid(`a v2 header with transport protocol ${familyProtocol & 0xf}`);
    if (length < v2AddressLength[familyCode]!) {
      return invalid(`a v2 ${v2Families[familyCode]} header with ${length} bytes of addresses`);
    }
  }
  const total = v2HeaderLength + length;
  if (bytes.length < total) return partial;
  if (local)
    return { state: 'complete', length: total, info: { version: 2, command: 'local', family: 'unknown' } };
  const family = v2Families[familyCode]!;
  const at = v2HeaderLength;
  let info: ProxyInfo;
  if (family === 'IPv4') {
    info = {
      version: 2,
      command: 'proxy',
      family,
      sourceAddress: `${bytes[at]}.${bytes[at + 1]}.${bytes[at + 2]}.${bytes[at + 3]}`,
      destinationAddress: `${bytes[at + 4]}.${bytes[at + 5]}.${bytes[at + 6]}.${bytes[at + 7]}`,
      sourcePort: uint16(bytes, at + 8),
      destinationPort: uint16(bytes, at + 10),
    };
  } else if (family === 'IPv6') {
    info = {
      version: 2,
      command: 'proxy',
      family,
      sourceAddress: formatIPv6(words(bytes, at)),
      destinationAddress: formatIPv6(words(bytes, at + 16)),
      sourcePort: uint16(bytes, at + 32),
      destinationPort: uint16(bytes, at + 34),
    };
  } else if (family === 'unix') {
    const sourceAddress = unixPath(bytes, at);
    const destinationAddress = unixPath(bytes, at + 108);
    info = {
      version: 2,
      command: 'proxy',
      family,
      ...(sourceAddress === '' ? {} : { sourceAddress }),
      ...(destinationAddress === '' ? {} : { destinationAddress }),
    };
  } else {
    // AF_UNSPEC under PROXY: the proxy forwards a connection it cannot describe; use the real endpoints.
    info = { version: 2, command: 'proxy', family };
  }
  // TLVs after the addresses (ALPN, authority, CRC32C, SSL...) are skipped: `total` already covers them.
  return { state: 'complete', length: total, info };
}

function uint16(bytes: Uint8Array, at: number): number {
  return (bytes[at]! << 8) | bytes[at + 1]!;
}

function words(bytes: Uint8Array, at: number): number[] {
  const result: number[] = [];
  for (let i = 0; i < 8; i++) result.push(uint16(bytes, at + 2 * i));
  return result;
}

const utf8 = new TextDecoder();

/** A 108-byte sun_path field: the path up to its first NUL. */
function unixPath(bytes: Uint8Array, at: number): string {
  let end = at;
  while (end < at + 108 && bytes[end] !== 0) end++;
  return utf8.decode(bytes.subarray(at, end));
}
