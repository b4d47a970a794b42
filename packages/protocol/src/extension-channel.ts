// One side of the extension channel over a Transport: the hello handshake, notifications (load, ready,
// heartbeat, metrics) and correlated RPC. Whatever arrives, nothing is thrown: bad input becomes a
// 'protocolError' event, and closing rejects every open request.
import { EventEmitter } from 'node:events';
import { ProtocolError, ProtocolErrorCode } from './errors.js';
import type {
  ExtensionMessage,
  HeartbeatMessage,
  LoadMessage,
  LoadReport,
  MetricsMessage,
  ReadyMessage,
  Role,
  RpcRequestMessage,
  WireValue,
} from './extension.js';
import { isShoalMessage } from './extension.js';
import {
  heartbeatMessage,
  helloMessage,
  loadMessage,
  metricsMessage,
  readyMessage,
  rpcErrorMessage,
  rpcRequestMessage,
  rpcResponseMessage,
  toRemoteErrorInfo,
} from './extension-builders.js';
import { parseExtensionMessage } from './extension-parse.js';
import { versionMismatchError } from './extension-version.js';
import { PendingRequests } from './pending-requests.js';
import type { Transport } from './transport.js';
import { invalidArgValue, validateTimeout } from './validate.js';

/** Default `requestTimeoutMs`. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export interface ExtensionChannelOptions {
  /** This side's role; the peer must announce the other one. */
  role: Role;
  /** Capabilities announced in this side's hello. */
  features?: readonly string[];
  /** Default timeout of `request()`, in ms (`Infinity`: none). Default 30 000. */
  requestTimeoutMs?: number;
  /** Announced in this side's hello (e.g. `process.pid`). */
  pid?: number;
}

/** What the peer announced in its hello. */
export interface PeerInfo {
  role: Role;
  version: number;
  features: string[];
  pid?: number;
}

export interface RequestOptions {
  /** Overrides the channel's `requestTimeoutMs` for this request. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface RpcContext {
  /** The peer, if its hello has arrived. */
  peer: PeerInfo | undefined;
  /** The request's id (unique among the peer's open requests). */
  id: number;
}

/** Answers one RPC method. What it returns (or resolves to) is sent back; what it throws becomes the
 * requester's `SHOAL_ERR_RPC_REMOTE`. Return plain data: it crosses the IPC serialization. */
export type RpcHandler = (params: unknown, context: RpcContext) => unknown;

export interface ExtensionChannelEvents {
  /** The peer's hello arrived and it speaks this side's version. */
  hello: [peer: PeerInfo];
  load: [load: LoadReport, message: LoadMessage];
  ready: [message: ReadyMessage];
  heartbeat: [timestamp: number, message: HeartbeatMessage];
  metrics: [metrics: Record<string, WireValue>, message: MetricsMessage];
  /** A malformed, unknown or wrong-version message arrived (`raw`), or the transport failed to send. */
  protocolError: [error: ProtocolError, raw: unknown];
  /** The channel closed (by `close()` or because the transport closed). Emitted once. */
  close: [];
}

export class ExtensionChannel extends EventEmitter<ExtensionChannelEvents> {
  readonly role: Role;
  readonly features: readonly string[];
  readonly #transport: Transport;
  readonly #requestTimeoutMs: number;
  readonly #pid: number | undefined;
  readonly #pending = new PendingRequests<unknown>();
  readonly #handlers = new Map<string, RpcHandler>();
  readonly #unsubscribe: Array<() => void>;
  #peer: PeerInfo | undefined;
  #started = false;
  #closed = false;

  /**
   * Listens to `transport` from construction on, so nothing the peer sends before `start()` is lost;
   * `start()` sends this side's hello.
   */
  constructor(transport: Transport, options: ExtensionChannelOptions) {
    super();
    if (options === null || typeof options !== 'object') {
      throw invalidArgValue('options', options, 'must be an object');
    }
    if (options.role !== 'primary' && options.role !== 'worker') {
      throw invalidArgValue('options.role', options.role, "must be 'primary' or 'worker'");
    }
    const features = options.features ?? [];
    if (!Array.isArray(features) || features.some((feature) => typeof feature !== 'string')) {
      throw invalidArgValue('options.features', features, 'must be an array of strings');
    }
    this.role = options.role;
    this.features = Object.freeze([...features]);
    this.#requestTimeoutMs =
      validateTimeout('options.requestTimeoutMs', options.requestTimeoutMs) ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.#pid = options.pid;
    this.#transport = transport;
    this.#unsubscribe = [
      transport.onMessage((message) => this.#onMessage(message)),
      transport.onClose(() => this.#shutdown('the transport closed')),
    ];
  }

  /** The peer's hello, once it has arrived. */
  get peer(): PeerInfo | undefined {
    return this.#peer;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Requests awaiting an answer from the peer. */
  get pendingRequestCount(): number {
    return this.#pending.size;
  }

  /** Sends this side's hello (once). Returns whether it was handed to the transport. */
  start(): boolean {
    if (this.#started) return !this.#closed;
    this.#started = true;
    return this.#send(helloMessage(this.role, this.features, this.#pid));
  }

  /** Closes the channel: stops listening and rejects every open request with `SHOAL_ERR_CHANNEL_CLOSED`.
   * The transport itself is not closed (the channel does not own it). */
  close(): void {
    this.#shutdown('the channel was closed');
  }

  /** Registers the handler of `method`; returns a function that removes it. */
  handle(method: string, handler: RpcHandler): () => void {
    if (typeof method !== 'string' || method === '') {
      throw invalidArgValue('method', method, 'must be a non-empty string');
    }
    if (typeof handler !== 'function') throw invalidArgValue('handler', handler, 'must be a function');
    if (this.#handlers.has(method)) {
      throw new ProtocolError(
        ProtocolErrorCode.RPC_DUPLICATE_HANDLER,
        `a handler for "${method}" is already registered`,
        { details: { method } },
      );
    }
    this.#handlers.set(method, handler);
    return () => {
      if (this.#handlers.get(method) === handler) this.#handlers.delete(method);
    };
  }

  /**
   * Calls `method` on the peer. Rejects with `SHOAL_ERR_REQUEST_TIMEOUT`, `SHOAL_ERR_REQUEST_CANCELLED`,
   * `SHOAL_ERR_RPC_REMOTE` (the handler threw; `details.remote` has its message/code/name),
   * `SHOAL_ERR_CHANNEL_CLOSED` or `SHOAL_ERR_TRANSPORT_SEND`; argument errors reject too.
   */
  request(method: string, params?: unknown, options: RequestOptions = {}): Promise<unknown> {
    if (this.#closed) return Promise.reject(channelClosedError('the channel is closed'));
    let pending: { id: number; promise: Promise<unknown> };
    try {
      if (typeof method !== 'string' || method === '') {
        throw invalidArgValue('method', method, 'must be a non-empty string');
      }
      pending = this.#pending.create({
        timeoutMs: options.timeoutMs ?? this.#requestTimeoutMs,
        signal: options.signal,
        label: `rpc "${method}"`,
      });
    } catch (error) {
      return Promise.reject(error);
    }
    if (!this.#pending.has(pending.id)) return pending.promise; // signal already aborted: nothing sent
    try {
      this.#transport.send(rpcRequestMessage(pending.id, method, params));
    } catch (cause) {
      this.#pending.reject(pending.id, sendError(cause));
    }
    return pending.promise;
  }

  /** worker → primary load report. Returns whether it was handed to the transport. */
  sendLoad(load: LoadReport): boolean {
    return this.#send(loadMessage(load));
  }

  sendReady(): boolean {
    return this.#send(readyMessage());
  }

  sendHeartbeat(timestamp: number = Date.now()): boolean {
    return this.#send(heartbeatMessage(timestamp));
  }

  sendMetrics(metrics: Record<string, WireValue>, id?: number): boolean {
    return this.#send(metricsMessage(metrics, id));
  }

  /** Sends a message; reports a throwing transport as 'protocolError' rather than throwing. */
  #send(message: ExtensionMessage): boolean {
    if (this.#closed) return false;
    try {
      this.#transport.send(message);
      return true;
    } catch (cause) {
      this.emit('protocolError', sendError(cause), message);
      return false;
    }
  }

  #onMessage(raw: unknown): void {
    if (this.#closed || !isShoalMessage(raw)) return; // everything else is Node's traffic
    const result = parseExtensionMessage(raw);
    if (!result.ok) {
      const { error } = result;
      const remoteVersion = error.details?.remoteVersion;
      this.emit(
        'protocolError',
        error.code === ProtocolErrorCode.VERSION_MISMATCH && typeof remoteVersion === 'number'
          ? versionMismatchError(this.role, remoteVersion)
          : error,
        raw,
      );
      return;
    }
    const message = result.message;
    switch (message.type) {
      case 'hello':
        if (message.role === this.role) {
          const error = new ProtocolError(
            ProtocolErrorCode.ROLE_CONFLICT,
            `the peer announced itself as ${message.role}, the role of this side`,
            { details: { role: message.role } },
          );
          this.emit('protocolError', error, raw);
          return;
        }
        this.#peer = {
          role: message.role,
          version: message.version,
          features: [...message.features],
          ...(message.pid === undefined ? {} : { pid: message.pid }),
        };
        this.emit('hello', this.#peer);
        return;
      case 'load':
        this.emit('load', message.load, message);
        return;
      case 'ready':
        this.emit('ready', message);
        return;
      case 'heartbeat':
        this.emit('heartbeat', message.timestamp, message);
        return;
      case 'metrics':
        this.emit('metrics', message.metrics, message);
        return;
      case 'rpc-request':
        this.#onRequest(message);
        return;
      case 'rpc-response':
        // An unknown id is a late answer to a request that timed out or was cancelled: dropped.
        this.#pending.resolve(message.id, message.result);
        return;
      case 'rpc-error': {
        const label = this.#pending.labelOf(message.id);
        if (label === undefined) return;
        const remote = message.error;
        const peerRole = this.role === 'primary' ? 'worker' : 'primary';
        this.#pending.reject(
          message.id,
          new ProtocolError(
            ProtocolErrorCode.RPC_REMOTE,
            `${label} failed in the ${peerRole}: ${remote.message}`,
            {
              details: { id: message.id, remote },
            },
          ),
        );
        return;
      }
    }
  }

  #onRequest(message: RpcRequestMessage): void {
    const { id, method } = message;
    const handler = this.#handlers.get(method);
    if (handler === undefined) {
      this.#send(
        rpcErrorMessage(id, {
          message: `no handler for "${method}"`,
          code: ProtocolErrorCode.RPC_UNKNOWN_METHOD,
          name: 'ProtocolError',
        }),
      );
      return;
    }
    let outcome: unknown;
    try {
      outcome = handler(message.params, { peer: this.#peer, id });
    } catch (error) {
      this.#send(rpcErrorMessage(id, toRemoteErrorInfo(error)));
      return;
    }
    Promise.resolve(outcome).then(
      (result) => this.#send(rpcResponseMessage(id, result)),
      (error: unknown) => this.#send(rpcErrorMessage(id, toRemoteErrorInfo(error))),
    );
  }

  #shutdown(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    this.#pending.rejectAll(channelClosedError(reason));
    this.emit('close');
  }
}

function channelClosedError(reason: string): ProtocolError {
  return new ProtocolError(ProtocolErrorCode.CHANNEL_CLOSED, `Shoal extension channel closed: ${reason}`);
}

function sendError(cause: unknown): ProtocolError {
  return new ProtocolError(ProtocolErrorCode.TRANSPORT_SEND, 'the transport failed to send a message', {
    cause,
  });
}
