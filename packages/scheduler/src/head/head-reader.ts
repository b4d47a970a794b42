// createHeadReader: the HeadRequest a sticky strategy hands the primary, finding a routing key in the PROXY header
// or the first HTTP request of a connection, from the sources a RouteBy list names, in order.
import { errInvalidArgType, errInvalidArgValue } from '../errors.js';
import { validateInteger, validateObject } from '../validate.js';
import type { HeadRequest, HeadVerdict, ProxyInfo, RouteBy } from './head-request.js';
import { getCookie, getHeader, getQueryParameter, HttpHeadParser } from './http-head.js';
import { parseProxyHeader } from './proxy-header.js';

export interface HeadReaderOptions {
  /** Read at most this many bytes: an integer 1..1048576, default 16384. */
  maxBytes?: number;
  /** Wait at most this long (ms) for the head: an integer 1..2147483647, default 2000. */
  timeoutMs?: number;
}

/** The examination of one connection: `examine` as `HeadRequest` has it, reading only the bytes new since the last call. */
export interface HeadExaminer {
  examine(bytes: Uint8Array, final: boolean): HeadVerdict;
}

/** What `createHeadReader` returns: a `HeadRequest`, plus a per-connection examiner that costs linear time in all. */
export interface HeadReader extends HeadRequest {
  /** The sources, normalised (`parseRouteBy`). */
  readonly routeBy: readonly RouteBy[];
  /**
   * A stateful examiner for one connection. `HeadRequest.examine` is stateless, so it parses every byte again
   * on each call; a caller that can keep one examiner per connection should use this instead.
   */
  open(): HeadExaminer;
}

type Source =
  | { readonly kind: 'proxy' }
  | { readonly kind: 'cookie' | 'header' | 'query'; readonly name: string };

const defaultMaxBytes = 16384;
const maxMaxBytes = 1 << 20;
const defaultTimeoutMs = 2000;
const maxTimeoutMs = 2 ** 31 - 1; // the longest a Node timer waits

const tokenPattern = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function parseSource(spec: string, name: string): Source {
  if (spec === 'proxy') return { kind: 'proxy' };
  const colon = spec.indexOf(':');
  const kind = colon < 0 ? '' : spec.slice(0, colon);
  const sourceName = spec.slice(colon + 1);
  if (kind === 'cookie' || kind === 'header') {
    if (tokenPattern.test(sourceName)) {
      return { kind, name: kind === 'header' ? sourceName.toLowerCase() : sourceName };
    }
    throw errInvalidArgValue(name, spec, `must name a ${kind} (an HTTP token after '${kind}:')`);
  }
  if (kind === 'query') {
    if (sourceName !== '') return { kind, name: sourceName };
    throw errInvalidArgValue(name, spec, "must name a query parameter after 'query:'");
  }
  throw errInvalidArgValue(name, spec, "must be 'proxy', 'cookie:<name>', 'header:<name>' or 'query:<name>'");
}

function sourceSpec(source: Source): RouteBy {
  return source.kind === 'proxy' ? 'proxy' : `${source.kind}:${source.name}`;
}

function parseSources(spec: unknown, name: string): Source[] {
  const list: readonly unknown[] = typeof spec === 'string' ? [spec] : Array.isArray(spec) ? spec : [];
  if (typeof spec !== 'string' && !Array.isArray(spec))
    throw errInvalidArgType(name, ['string', 'Array'], spec);
  if (list.length === 0) throw errInvalidArgValue(name, spec, 'must name at least one source');
  const sources: Source[] = [];
  const seen = new Set<string>();
  list.forEach((item, index) => {
    const itemName = typeof spec === 'string' ? name : `${name}[${index}]`;
    if (typeof item !== 'string') throw errInvalidArgType(itemName, 'string', item);
    const source = parseSource(item, itemName);
    const key = sourceSpec(source);
    // A repeat can never win where its first occurrence did not.
    if (!seen.has(key)) {
      seen.add(key);
      sources.push(source);
    }
  });
  return sources;
}

/**
 * Checks a `RouteBy` or a list of them (`ERR_INVALID_ARG_TYPE`, `ERR_INVALID_ARG_VALUE`) and returns the list
 * normalised: header names lower-cased, repeats dropped.
 */
export function parseRouteBy(spec: RouteBy | readonly RouteBy[], name = 'routeBy'): readonly RouteBy[] {
  return Object.freeze(parseSources(spec, name).map(sourceSpec));
}

const notDone: HeadVerdict = Object.freeze({ done: false });
const nothing: HeadVerdict = Object.freeze({ done: true, proxyLength: 0 });

/** One connection's examination: the PROXY header first, then (if a source needs it) the HTTP head after it. */
class HeadExamination implements HeadExaminer {
  readonly #sources: readonly Source[];
  readonly #needsHttp: boolean;
  #verdict: HeadVerdict | undefined;
  #proxyRead = false;
  #proxy: ProxyInfo | undefined;
  #proxyLength = 0;
  #http: HttpHeadParser | undefined;

  constructor(sources: readonly Source[], needsHttp: boolean) {
    this.#sources = sources;
    this.#needsHttp = needsHttp;
  }

  examine(bytes: Uint8Array, final: boolean): HeadVerdict {
    if (this.#verdict !== undefined) return this.#verdict;
    if (!this.#proxyRead) {
      const header = parseProxyHeader(bytes);
      if (header.state === 'partial' && !final) return notDone;
      // Cut short, or broken: no PROXY header to strip, and what follows is no HTTP request either.
      if (header.state === 'partial' || header.state === 'invalid') {
        this.#verdict = nothing;
        return nothing;
      }
      if (header.state === 'complete') {
        this.#proxy = header.info;
        this.#proxyLength = header.length;
      }
      this.#proxyRead = true;
      if (this.#needsHttp) this.#http = new HttpHeadParser(this.#proxyLength);
    }
    const http = this.#http?.examine(bytes);
    for (const source of this.#sources) {
      let value: string | undefined;
      let known = true;
      if (source.kind === 'proxy') {
        if (this.#proxy?.command === 'proxy') value = this.#proxy.sourceAddress;
      } else if (http !== undefined) {
        if (source.kind === 'query') {
          if (http.requestLine !== undefined) value = getQueryParameter(http.requestLine.target, source.name);
          else known = http.state === 'not-http';
        } else if (http.state === 'not-http') {
          // Nothing to read.
        } else {
          known = http.state === 'complete';
          // Final with the block unfinished: the header lines read whole so far are what is known.
          if (known || final) {
            value =
              source.kind === 'cookie'
                ? getCookie(http.headers, source.name)
                : getHeader(http.headers, source.name);
          }
        }
      }
      if (value !== undefined && value !== '') return this.#finish(value);
      if (!known && !final) return notDone;
    }
    return this.#finish(undefined);
  }

  #finish(routingKey: string | undefined): HeadVerdict {
    const verdict: { done: true; routingKey?: string; proxy?: ProxyInfo; proxyLength: number } = {
      done: true,
      proxyLength: this.#proxyLength,
    };
    if (routingKey !== undefined) verdict.routingKey = routingKey;
    if (this.#proxy !== undefined) verdict.proxy = this.#proxy;
    this.#verdict = Object.freeze(verdict);
    return this.#verdict;
  }
}

/**
 * A `HeadRequest` that finds a connection's routing key in the first of `routeBy`'s sources to yield a
 * non-empty value. A PROXY header at the start is always recognised and reported (`proxy`, `proxyLength`).
 */
export function createHeadReader(
  routeBy: RouteBy | readonly RouteBy[],
  options: HeadReaderOptions = {},
): HeadReader {
  const sources = parseSources(routeBy, 'routeBy');
  validateObject(options, 'options');
  const { maxBytes = defaultMaxBytes, timeoutMs = defaultTimeoutMs } = options;
  validateInteger(maxBytes, 'options.maxBytes', 1, maxMaxBytes);
  validateInteger(timeoutMs, 'options.timeoutMs', 1, maxTimeoutMs);
  const needsHttp = sources.some((source) => source.kind !== 'proxy');
  const frozenSources = Object.freeze(sources);
  return Object.freeze({
    maxBytes,
    timeoutMs,
    routeBy: Object.freeze(sources.map(sourceSpec)),
    examine: (bytes: Uint8Array, final: boolean) =>
      new HeadExamination(frozenSources, needsHttp).examine(bytes, final),
    open: () => new HeadExamination(frozenSources, needsHttp),
  });
}
