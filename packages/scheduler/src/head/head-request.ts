// The contract for strategies that route by what a connection sends first: what the primary reads, and what a
// head reader answers about the bytes read so far. Pure data and logic; the primary does the reading.

/** The client a PROXY protocol header (v1 text or v2 binary, as HAProxy's `send-proxy` prepends) names. */
export interface ProxyInfo {
  /** 1 (text) or 2 (binary). */
  readonly version: 1 | 2;
  /** `'local'`: a health check from the proxy itself (v2 LOCAL, v1 UNKNOWN): no client addresses. */
  readonly command: 'proxy' | 'local';
  readonly family: 'IPv4' | 'IPv6' | 'unix' | 'unknown';
  /** The real client's address and port. */
  readonly sourceAddress?: string;
  readonly sourcePort?: number;
  /** The address and port the client connected to, at the proxy. */
  readonly destinationAddress?: string;
  readonly destinationPort?: number;
}

/**
 * Where a routing key comes from, tried in the order given, the first that yields a value winning:
 * - `'proxy'`: the client address of a PROXY protocol header;
 * - `'cookie:<name>'`: a cookie of the first HTTP request;
 * - `'header:<name>'`: a request header (case-insensitive; for `x-forwarded-for` its first address);
 * - `'query:<name>'`: a query-string parameter of the first request's target.
 */
export type RouteBy = 'proxy' | `cookie:${string}` | `header:${string}` | `query:${string}`;

/** What a head reader says about the bytes read so far. */
export type HeadVerdict =
  /** More bytes could still change the answer: read on, if the limits allow. */
  | { readonly done: false }
  | {
      readonly done: true;
      /** The key found, or undefined: route by the fallback (no key). */
      readonly routingKey?: string;
      /** A PROXY protocol header at the start of the connection, if there was one. */
      readonly proxy?: ProxyInfo;
      /**
       * How many bytes at the start are the PROXY header (0 when none): the primary strips them, so the app
       * reads what the client sent.
       */
      readonly proxyLength: number;
    };

/** What a strategy that wants to see the start of a connection asks the primary for. */
export interface HeadRequest {
  /** Read at most this many bytes (a positive integer). */
  readonly maxBytes: number;
  /** Wait at most this long (ms) for the head; then route by what was read. */
  readonly timeoutMs: number;
  /**
   * Called with every byte read so far (from the first), each time more arrive. `final` is true when no more
   * will be read (the byte or time limit was reached, or the client ended its side): the answer must then be
   * `done`. Must not keep `bytes`: it is only valid during the call.
   */
  examine(bytes: Uint8Array, final: boolean): HeadVerdict;
  /**
   * Optional: the only peers (IP addresses, as the primary reads them) whose PROXY header is believed. A
   * connection from any other peer that starts with one is closed: a client could otherwise name any address.
   */
  readonly proxyFrom?: readonly string[];
  /**
   * Optional: the sources the key is read from. Given, the worker runtime reads later requests on a kept-alive
   * connection by them too, and sends one whose key this worker does not hold back to the primary.
   */
  readonly routeBy?: readonly RouteBy[];
  /**
   * Optional: an examiner for one connection that keeps its progress, so each call parses only the bytes new
   * since the last (same arguments as `examine`: every byte so far). The primary uses it when present.
   */
  open?(): { examine(bytes: Uint8Array, final: boolean): HeadVerdict };
}
