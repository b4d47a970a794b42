// Keeps sticky routing right on kept-alive connections. The primary routes a connection by its first request;
// a client that pools connections across sessions (a browser's tabs, a proxy) may send a later request with
// another session's key down it. Such a request, for a key this worker does not hold, is not given to the app:
// the connection goes back to the primary with that request's bytes, to be routed by its key like a new one.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server, Socket } from 'node:net';
import { requestKey } from './request-key.js';

/** The `cmd` of a connection handed back to the primary with the request it carries. */
export const REROUTE_CMD = 'NODE_SHOAL_REROUTE';

/** A body larger than this is served here rather than read whole to be sent back. */
const maxBodyBytes = 1 << 20;
/** Keys remembered as this worker's (claimed, or a connection's first request was routed here by them). */
const maxOwnedKeys = 65_536;

interface Routed {
  readonly listenKey: string;
  readonly key: string | undefined;
  readonly sources: readonly string[];
  readonly proxy: unknown;
  requests: number;
}

interface ReadableHandle {
  readStop?(): number;
  reading?: boolean;
}

type Emit = (event: string | symbol, ...args: unknown[]) => boolean;

export class MisrouteGuard {
  readonly #enabled: () => boolean;
  readonly #routed = new WeakMap<Socket, Routed>();
  readonly #guarded = new WeakSet<Server>();
  /** Insertion-ordered: the oldest key goes first when the set is full. */
  readonly #owned = new Set<string>();

  /** `enabled`: whether requests may be sent away now (not while this worker drains). */
  constructor(enabled: () => boolean = () => true) {
    this.#enabled = enabled;
  }

  /** The worker holds `key` from now on (it claimed it). */
  own(key: string): void {
    this.#owned.delete(key);
    this.#owned.add(key);
    if (this.#owned.size > maxOwnedKeys) {
      for (const oldest of this.#owned) {
        this.#owned.delete(oldest);
        break;
      }
    }
  }

  /** A connection the primary routed here by its first request's `key` (from `sources`). */
  watch(
    server: Server,
    socket: Socket,
    routed: { listenKey: string; key: string | undefined; sources: readonly string[]; proxy: unknown },
  ): void {
    if (!routed.sources.some((source) => source !== 'proxy')) return;
    if (routed.key !== undefined) this.own(routed.key);
    this.#routed.set(socket, { ...routed, requests: 0 });
    if (this.#guarded.has(server)) return;
    this.#guarded.add(server);
    // The one place a request can be looked at before the app's 'request' listeners run.
    const emit = server.emit as Emit;
    const guard = this;
    (server as { emit: Emit }).emit = function emitUnlessMisrouted(event, ...args) {
      if (event === 'request' && guard.#divert(args[0] as IncomingMessage, args[1] as ServerResponse))
        return true;
      if (event === 'upgrade' && guard.#divertUpgrade(args[0] as IncomingMessage, args[2] as Buffer))
        return true;
      return emit.call(this, event, ...args);
    };
  }

  /** True when the request was taken away from the app (its connection goes back to the primary). */
  #divert(request: IncomingMessage, response: ServerResponse): boolean {
    const socket = request.socket;
    const routed = this.#misrouted(request);
    if (routed === undefined) return false;
    const length = Number(request.headers['content-length'] ?? 0);
    // A chunked or large body is not read whole here: such a request is served where it landed.
    if (request.headers['transfer-encoding'] !== undefined || !(length <= maxBodyBytes)) return false;
    // Pipelined behind a response still being written (Node has not given this one the socket yet): moving the
    // connection would cut that response off.
    if (response.socket !== socket) return false;
    if (!this.#detach(socket)) return false;
    if (length === 0) {
      this.#sendBack(socket, routed, requestBytes(request, undefined));
      return true;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.once('end', () => this.#sendBack(socket, routed, requestBytes(request, Buffer.concat(chunks))));
    request.once('error', () => socket.destroy());
    request.resume();
    return true;
  }

  /** A WebSocket (or other) upgrade for a key held elsewhere: it goes on with the bytes read after its head. */
  #divertUpgrade(request: IncomingMessage, head: Buffer | undefined): boolean {
    const socket = request.socket;
    const routed = this.#misrouted(request);
    if (routed === undefined) return false;
    // Still answering an earlier request on this connection: moving it would cut that answer off.
    if ((socket as Socket & { _httpMessage?: unknown })._httpMessage) return false;
    if (!this.#detach(socket)) return false;
    const bytes = requestBytes(request, undefined);
    this.#sendBack(socket, routed, head && head.length > 0 ? Buffer.concat([bytes, head]) : bytes);
    return true;
  }

  /**
   * The connection's record when `request` carries a key this worker does not hold; undefined when it is this
   * worker's to serve. The first request was routed by the primary: checked only if that found no key (it came
   * too slowly, say).
   */
  #misrouted(request: IncomingMessage): Routed | undefined {
    const routed = this.#routed.get(request.socket);
    if (routed === undefined) return undefined;
    if (++routed.requests === 1 && routed.key !== undefined) return undefined;
    const key = requestKey(request, routed.sources, proxyClient(routed.proxy));
    if (key === undefined || key === routed.key || this.#owned.has(key)) return undefined;
    if (!this.#enabled() || typeof process.send !== 'function' || !process.connected) return undefined;
    return routed;
  }

  /** Stops this worker reading the connection: what the client sends next stays in the kernel for the next. */
  #detach(socket: Socket): boolean {
    const handle = (socket as Socket & { _handle?: ReadableHandle | null })._handle;
    if (!handle) return false;
    this.#routed.delete(socket);
    socket.pause();
    handle.reading = false;
    handle.readStop?.();
    return true;
  }

  #sendBack(socket: Socket, routed: Routed, bytes: Buffer): void {
    const handle = (socket as Socket & { _handle?: unknown })._handle;
    if (!handle || !process.send) {
      socket.destroy();
      return;
    }
    const message: Record<string, unknown> = {
      cmd: REROUTE_CMD,
      key: routed.listenKey,
      head: bytes.toString('base64'),
    };
    if (routed.proxy !== undefined) message.proxy = routed.proxy;
    // Our copy is closed once the primary has its own; the client's connection lives on there.
    process.send(message, handle as never, undefined, () => socket.destroy());
  }
}

/** The client address a PROXY header gave the connection (its `proxy` routing key), if any. */
function proxyClient(proxy: unknown): string | undefined {
  const fields = proxy as { command?: unknown; sourceAddress?: unknown } | undefined;
  return fields?.command === 'proxy' && typeof fields.sourceAddress === 'string'
    ? fields.sourceAddress
    : undefined;
}

/** The request as the client sent it, its body (if any) with a Content-Length, and no `Expect` (answered here). */
function requestBytes(request: IncomingMessage, body: Buffer | undefined): Buffer {
  let head = `${request.method} ${request.url} HTTP/${request.httpVersion}\r\n`;
  const raw = request.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    if (name === 'content-length' || name === 'expect') continue;
    head += `${raw[i]}: ${raw[i + 1]}\r\n`;
  }
  if (body !== undefined) head += `Content-Length: ${body.length}\r\n`;
  head += '\r\n';
  const bytes = Buffer.from(head, 'latin1');
  return body === undefined ? bytes : Buffer.concat([bytes, body]);
}
