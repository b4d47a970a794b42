// One worker as the primary holds it: the Worker object, its wire link, and Shoal's extension channel, which stays
// open for the worker's whole life so anyone (a supervisor, metrics, a test) can subscribe to what it says.
import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { constants } from 'node:os';
import {
  ExtensionChannel,
  isClusterMessage,
  type LoadReport,
  parseWorkerMessage,
  type WorkerMessage,
} from '@shoal/protocol';
import type { ProxyInfo } from '@shoal/scheduler';
import { childTransport } from './child-transport.js';
import { internalMessageEvent } from './node-internals.js';
import type { ConnectionDelivery, HandleMember, NewconnReply, RawStreamHandle } from './server-handle.js';
import type { Worker } from './worker.js';
import { WorkerLink } from './worker-link.js';

const UV_EINVAL = -constants.errno.EINVAL;

export interface WorkerSessionEvents {
  /** A cluster message from the worker, parsed (replies to the primary's own requests are not included). */
  message: [message: WorkerMessage, handle: unknown];
  /** A message on either channel that could not be read, or a queryServer the primary refused as forged. */
  protocolError: [error: Error, raw: unknown];
  /** The worker runtime sent a copy of its listen socket on `port` (asked for by a reuseport take-over). */
  socketCopy: [port: number, socket: RawStreamHandle];
  /** The worker runtime handed back a connection of listen key `key`, with the request it carries. */
  reroute: [key: string, client: RawStreamHandle, bytes: Buffer, proxy: ProxyInfo | undefined];
}

/** The `cmd` of the Shoal message a worker sends a listen socket copy with (the extension channel carries no handles). */
export const SOCKET_COPY_CMD = 'NODE_SHOAL_SOCKET';
/** The `cmd` of a hand-off with the bytes the primary read (and of the worker runtime's answer). */
export const CONNECTION_CMD = 'NODE_SHOAL_CONN';
/** The `cmd` of a connection a worker hands back with the request it carries, to be routed again. */
export const REROUTE_CMD = 'NODE_SHOAL_REROUTE';

export class WorkerSession extends EventEmitter<WorkerSessionEvents> implements HandleMember {
  readonly worker: Worker;
  readonly link: WorkerLink;
  /** Shoal's extension channel to the worker: load, ready, heartbeat, metrics and RPC (typed events). */
  readonly channel: ExtensionChannel;
  /** The worker's latest load report. */
  load: LoadReport | undefined = undefined;
  readonly #child: ChildProcess;

  /** `runtime`: the worker was started with Shoal's worker runtime, so this side says hello at once. */
  constructor(worker: Worker, child: ChildProcess, runtime: boolean) {
    super();
    this.worker = worker;
    this.#child = child;
    this.link = new WorkerLink(child);
    this.channel = new ExtensionChannel(childTransport(child), {
      role: 'primary',
      features: ['load'],
      pid: process.pid,
    });
    this.channel.on('load', (load) => {
      this.load = load;
    });
    this.channel.on('protocolError', (error, raw) => this.emit('protocolError', error, raw));
    // A worker that loaded the runtime itself says hello first: answer it, so both sides know each other.
    this.channel.once('hello', () => this.channel.start());
    if (runtime) this.channel.start();
    child.on(internalMessageEvent as 'message', (message: unknown, handle: unknown) =>
      this.#onInternalMessage(message, handle),
    );
    child.once('disconnect', () => this.link.clear());
  }

  get id(): number {
    return this.worker.id;
  }

  /** Whether Shoal's worker runtime answered: extension features (load, RPC) work. */
  get hasRuntime(): boolean {
    return this.channel.peer !== undefined;
  }

  isConnected(): boolean {
    return this.#child.connected;
  }

  sendNewconn(key: string, client: unknown, onReply: NewconnReply): boolean {
    return this.link.sendNewconn(key, client, onReply);
  }

  sendConnection(key: string, client: unknown, delivery: ConnectionDelivery, onReply: NewconnReply): boolean {
    if (!this.hasRuntime) {
      // Only the runtime can give the bytes back: refuse, so another worker (or a close) takes it.
      process.nextTick(onReply, { accepted: false }, undefined);
      return false;
    }
    const fields: Record<string, unknown> = {
      key,
      head: Buffer.from(delivery.head.buffer, delivery.head.byteOffset, delivery.head.byteLength).toString(
        'base64',
      ),
      port: delivery.localPort ?? null,
    };
    if (delivery.proxy !== undefined) fields.proxy = { ...delivery.proxy };
    if (delivery.routingKey !== undefined) fields.routingKey = delivery.routingKey;
    if (delivery.routeBy !== undefined) fields.routeBy = [...delivery.routeBy];
    return this.link.sendAwaitingReply(CONNECTION_CMD, fields, client, onReply);
  }

  requestSocketCopy(port: number): void {
    if (!this.hasRuntime) return;
    this.channel.request('shoal.socketCopy', { port }).catch(() => {
      // An older runtime, or the worker left: the take-over simply keeps no copy.
    });
  }

  #onInternalMessage(message: unknown, handle: unknown): void {
    const cmd = (message as { cmd?: unknown } | null)?.cmd;
    if (cmd === CONNECTION_CMD) {
      this.link.deliverReply(message as { ack?: unknown }, handle);
      return;
    }
    if (cmd === REROUTE_CMD) {
      const { key, head, proxy } = message as { key?: unknown; head?: unknown; proxy?: unknown };
      const client = handle as RawStreamHandle | undefined;
      if (
        typeof key === 'string' &&
        typeof head === 'string' &&
        client &&
        typeof client.close === 'function'
      ) {
        const info = typeof proxy === 'object' && proxy !== null ? (proxy as ProxyInfo) : undefined;
        this.emit('reroute', key, client, Buffer.from(head, 'base64'), info);
      } else {
        client?.close?.();
      }
      return;
    }
    if (cmd === SOCKET_COPY_CMD) {
      const port = (message as { port?: unknown }).port;
      const socket = handle as RawStreamHandle | undefined;
      if (typeof port === 'number' && socket && typeof socket.close === 'function')
        this.emit('socketCopy', port, socket);
      else socket?.close?.();
      return;
    }
    // Shoal's extension messages have their own channel; anything else is not the cluster's business.
    if (!isClusterMessage(message)) return;
    if (this.link.deliverReply(message as { ack?: unknown }, handle)) return;
    const parsed = parseWorkerMessage(message);
    if (!parsed.ok) {
      const { act, seq } = message as { act?: unknown; seq?: unknown };
      // A listen must not hang for want of an answer: refuse what cannot be read.
      if (act === 'queryServer' && typeof seq === 'number') {
        this.link.send({ errno: UV_EINVAL, key: '', ack: seq, data: null });
      }
      this.emit('protocolError', parsed.error, message);
      return;
    }
    this.emit('message', parsed.message, handle);
  }
}
