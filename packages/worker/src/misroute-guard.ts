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
  readonly #routed = new WeakMap<Socket, Routed>();
  readonly #guarded = new WeakSet<Server>();
  /** Insertion-ordered: the oldest key goes first when the set is full. */
  readonly #owned = new Set<string>();

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
      return emit.call(this, event, ...args);
    };
  }

  /** True when the request was taken away from the app (its connection goes back to the primary). */
  #divert(request: IncomingMessage, response: ServerResponse): boolean {
    const socket = request.socket;
    const routed = this.#routed.get(socket);
    if (routed === undefined) return false;
    // The first request is the one the primary routed by.
    if (++routed.requests === 1) return false;
    const key = requestKey(request, routed.sources);
    if (key === undefined || key === routed.key || this.#owned.has(key)) return false;
    const length = Number(request.headers['content-length'] ?? 0);
    // A chunked or large body is not read whole here: such a request is served where it landed.
    if (request.headers['transfer-encoding'] !== undefined || !(length <= maxBodyBytes)) return false;
    // Pipelined behind a response still being written (Node has not given this one the socket yet): moving the
    // connection would cut that response off.
    if (response.socket !== socket) return false;
    if (typeof process.send !== 'function' || !process.connected) return false;
    this.#routed.delete(socket);
    const handle = (socket as Socket & { _handle?: ReadableHandle | null })._handle;
    if (!handle) return false;
    // Nothing more is read here: what the client sends next stays in the kernel for the next worker.
    socket.pause();
    handle.reading = false;
    handle.readStop?.();
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
