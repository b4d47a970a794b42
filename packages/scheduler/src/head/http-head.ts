// Reads the start of an HTTP/1.x request (request line, header block) from a connection's first bytes,
// incrementally and in linear time, and the cookie, header and query values a routing key may come from.
import { latin1 } from './latin1.js';

export interface HttpRequestLine {
  readonly method: string;
  /** As sent (origin-form `/path?query`, absolute-form, `*`...), one char per byte. */
  readonly target: string;
  /** `'1.0'` or `'1.1'`. */
  readonly version: string;
}

/** A header line: the name lower-cased, the value with surrounding spaces and tabs removed. */
export type HttpHeader = readonly [name: string, value: string];

export type HttpHeadState =
  /**
   * The bytes cannot be an HTTP/1.x request (TLS, HTTP/2's preface, a malformed line...). `requestLine`: the
   * request line when it was whole before a later line went wrong (what a shorter prefix already showed).
   */
  | { readonly state: 'not-http'; readonly requestLine?: HttpRequestLine }
  /** More bytes are needed; what is parsed so far. */
  | {
      readonly state: 'partial';
      readonly requestLine?: HttpRequestLine;
      readonly headers: readonly HttpHeader[];
    }
  /** The whole head: `length` bytes from where parsing started, up to and including the blank line. */
  | {
      readonly state: 'complete';
      readonly requestLine: HttpRequestLine;
      readonly headers: readonly HttpHeader[];
      readonly length: number;
    };

// Parser phases (plain numbers: no enum in erasable TypeScript).
const leading = 0; // empty lines before the request line, which servers skip
const method = 1;
const target = 2;
const version = 3;
const requestLineCr = 4;
const lineStart = 5;
const headerName = 6;
const headerValue = 7;
const headerCr = 8;
const blankCr = 9;
const complete = 10;
const failed = 11;

const versionPrefix = [0x48, 0x54, 0x54, 0x50, 0x2f, 0x31, 0x2e]; // "HTTP/1."

/** RFC 9110 tchar, by byte. */
const tchar = new Uint8Array(256);
for (const char of "!#$%&'*+-.^_`|~") tchar[char.charCodeAt(0)] = 1;
for (let byte = 0x30; byte <= 0x39; byte++) tchar[byte] = 1;
for (let byte = 0x41; byte <= 0x5a; byte++) tchar[byte] = 1;
for (let byte = 0x61; byte <= 0x7a; byte++) tchar[byte] = 1;

/**
 * An incremental parser for one connection: each `examine` gets every byte so far (the same prefix, growing)
 * and reads only the new ones, so a head that arrives a byte at a time still costs linear time in all.
 */
export class HttpHeadParser {
  readonly #start: number;
  #at: number;
  #phase = leading;
  #tokenStart = 0;
  #nameEnd = 0;
  #method = '';
  #target = '';
  #versionAt = 0;
  #version = '';
  #requestLine: HttpRequestLine | undefined;
  readonly #headers: HttpHeader[] = [];
  #state: HttpHeadState | undefined;

  /** `start`: where the request begins in the bytes (after a PROXY header). */
  constructor(start = 0) {
    this.#start = start;
    this.#at = start;
  }

  examine(bytes: Uint8Array): HttpHeadState {
    if (this.#phase === complete || this.#phase === failed) return this.#state!;
    const end = bytes.length;
    let at = this.#at;
    let phase = this.#phase;
    for (; at < end && phase < complete; at++) {
      const byte = bytes[at]!;
      switch (phase) {
        case leading:
          if (byte === 0x0d || byte === 0x0a) break;
          if (tchar[byte] !== 1) phase = failed;
          else {
            this.#tokenStart = at;
            phase = method;
          }
          break;
        case method:
          if (byte === 0x20) {
            this.#method = latin1(bytes, this.#tokenStart, at);
            this.#tokenStart = at + 1;
            phase = target;
          } else if (tchar[byte] !== 1) phase = failed;
          break;
        case target:
          if (byte === 0x20) {
            if (at === this.#tokenStart) phase = failed;
            else {
              this.#target = latin1(bytes, this.#tokenStart, at);
              this.#versionAt = 0;
              phase = version;
            }
          } else if (byte < 0x21 || byte === 0x7f) phase = failed;
          break;
        case version:
          if (this.#versionAt < versionPrefix.length) {
            if (byte !== versionPrefix[this.#versionAt]) phase = failed;
            else this.#versionAt++;
          } else if (this.#versionAt === versionPrefix.length) {
            // HTTP/1.0 and HTTP/1.1 only: `PRI * HTTP/2.0` (HTTP/2's preface) fails here.
            if (byte !== 0x30 && byte !== 0x31) phase = failed;
            else {
              this.#versionAt++;
              this.#version = byte === 0x30 ? '1.0' : '1.1';
            }
          } else if (byte === 0x0d) phase = requestLineCr;
          else if (byte === 0x0a) {
            this.#endRequestLine();
            phase = lineStart;
          } else phase = failed;
          break;
        case requestLineCr:
        case headerCr:
          if (byte !== 0x0a) phase = failed;
          else {
            // Only a whole line counts: a byte more could still make it invalid.
            if (phase === headerCr) this.#addHeader(bytes, at - 1);
            else this.#endRequestLine();
            phase = lineStart;
          }
          break;
        case lineStart:
          if (byte === 0x0d) phase = blankCr;
          else if (byte === 0x0a) phase = complete;
          else if (tchar[byte] === 1) {
            // A line starting with a space or tab (obsolete line folding) is refused, as Node refuses it.
            this.#tokenStart = at;
            phase = headerName;
          } else phase = failed;
          break;
        case headerName:
          if (byte === 0x3a) {
            this.#nameEnd = at;
            phase = headerValue;
          } else if (tchar[byte] !== 1) phase = failed;
          break;
        case headerValue:
          if (byte === 0x0d) phase = headerCr;
          else if (byte === 0x0a) {
            this.#addHeader(bytes, at);
            phase = lineStart;
          } else if ((byte < 0x20 && byte !== 0x09) || byte === 0x7f) phase = failed;
          break;
        case blankCr:
          phase = byte === 0x0a ? complete : failed;
          break;
      }
    }
    this.#at = at;
    this.#phase = phase;
    if (phase === failed) {
      this.#state =
        this.#requestLine === undefined
          ? { state: 'not-http' }
          : { state: 'not-http', requestLine: this.#requestLine };
      return this.#state;
    }
    if (phase === complete) {
      this.#state = {
        state: 'complete',
        requestLine: this.#requestLine!,
        headers: this.#headers,
        length: at - this.#start,
      };
      return this.#state;
    }
    return this.#requestLine === undefined
      ? { state: 'partial', headers: this.#headers }
      : { state: 'partial', requestLine: this.#requestLine, headers: this.#headers };
  }

  #endRequestLine(): void {
    this.#requestLine = { method: this.#method, target: this.#target, version: this.#version };
  }

  /** The header line whose value ends before `valueEnd` (its CR or LF). */
  #addHeader(bytes: Uint8Array, valueEnd: number): void {
    let valueStart = this.#nameEnd + 1;
    while (valueStart < valueEnd && isSpace(bytes[valueStart]!)) valueStart++;
    while (valueEnd > valueStart && isSpace(bytes[valueEnd - 1]!)) valueEnd--;
    this.#headers.push([
      latin1(bytes, this.#tokenStart, this.#nameEnd).toLowerCase(),
      latin1(bytes, valueStart, valueEnd),
    ]);
  }
}

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x09;
}

/** Parses the head in one go (a fresh parser). */
export function parseHttpHead(bytes: Uint8Array, start = 0): HttpHeadState {
  return new HttpHeadParser(start).examine(bytes);
}

/** Headers whose repeats Node's `message.headers` drops, keeping the first. */
const singleHeaders = new Set([
  'age',
  'authorization',
  'content-length',
  'content-type',
  'etag',
  'expires',
  'from',
  'host',
  'if-modified-since',
  'if-unmodified-since',
  'last-modified',
  'location',
  'max-forwards',
  'proxy-authorization',
  'referer',
  'retry-after',
  'server',
  'user-agent',
]);

/**
 * A header's value as Node's `message.headers` has it (repeats joined with `'; '` for cookie, `', '` for others,
 * dropped for the headers Node keeps once), or undefined when absent. For `x-forwarded-for`, its first address
 * (the client, as the first proxy saw it), trimmed.
 */
export function getHeader(headers: readonly HttpHeader[], name: string): string | undefined {
  const wanted = name.toLowerCase();
  let value: string | undefined;
  const separator = wanted === 'cookie' ? '; ' : ', ';
  for (const [headerName, headerValue] of headers) {
    if (headerName !== wanted) continue;
    if (value === undefined) value = headerValue;
    else if (singleHeaders.has(wanted)) break;
    else value += separator + headerValue;
  }
  if (value !== undefined && wanted === 'x-forwarded-for') {
    const comma = value.indexOf(',');
    value = (comma < 0 ? value : value.slice(0, comma)).trim();
  }
  return value;
}

/** A cookie's value (`name=value; ...`, surrounding double quotes removed, not percent-decoded), first match. */
export function getCookie(headers: readonly HttpHeader[], name: string): string | undefined {
  const cookies = getHeader(headers, 'cookie');
  if (cookies === undefined) return undefined;
  for (const pair of cookies.split(';')) {
    const equals = pair.indexOf('=');
    if (equals < 0 || pair.slice(0, equals).trim() !== name) continue;
    const value = pair.slice(equals + 1).trim();
    return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
  }
  return undefined;
}

/**
 * A query parameter of a request target: the first whose decoded name is `name`, decoded as
 * `URLSearchParams` decodes (`+` as a space, percent-escapes as UTF-8, a bad escape kept as written).
 */
export function getQueryParameter(requestTarget: string, name: string): string | undefined {
  const question = requestTarget.indexOf('?');
  if (question < 0) return undefined;
  let end = requestTarget.indexOf('#', question + 1);
  if (end < 0) end = requestTarget.length;
  let at = question + 1;
  while (at <= end) {
    let next = requestTarget.indexOf('&', at);
    if (next < 0 || next > end) next = end;
    if (next > at) {
      let equals = requestTarget.indexOf('=', at);
      if (equals < 0 || equals > next) equals = next;
      if (decodeQueryComponent(requestTarget, at, equals) === name) {
        return equals === next ? '' : decodeQueryComponent(requestTarget, equals + 1, next);
      }
    }
    at = next + 1;
  }
  return undefined;
}

const utf8 = new TextDecoder();

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/** `+` → space and `%XX` → a byte; the bytes (the target's chars are bytes already) read as UTF-8. */
function decodeQueryComponent(text: string, start: number, end: number): string {
  const bytes = new Uint8Array(end - start);
  let length = 0;
  for (let at = start; at < end; at++) {
    const code = text.charCodeAt(at);
    if (code === 0x2b) bytes[length++] = 0x20;
    else if (code === 0x25 && at + 2 < end) {
      const high = hexValue(text.charCodeAt(at + 1));
      const low = hexValue(text.charCodeAt(at + 2));
      if (high >= 0 && low >= 0) {
        bytes[length++] = (high << 4) | low;
        at += 2;
      } else bytes[length++] = code;
    } else bytes[length++] = code & 0xff;
  }
  return utf8.decode(bytes.subarray(0, length));
}
