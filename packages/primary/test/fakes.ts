// Test doubles for the primary's units: a worker as a listen handle sees it (HandleMember), a raw client handle,
// a strategy that records what it is shown, and small helpers for real sockets on 127.0.0.1.
import diagnosticsChannel from 'node:diagnostics_channel';
import { EventEmitter, once } from 'node:events';
import net from 'node:net';
import type { QueryServerMessage } from '@shoal/protocol';
import type { ConnectionInfo, Strategy, WorkerView } from '@shoal/scheduler';
import { vi } from 'vitest';
import type { HandleMember, NewconnReply, QueryServerAnswer, RawStreamHandle } from '../src/server-handle.js';

export interface Offer {
  key: string;
  client: unknown;
  reply: NewconnReply;
}

/**
 * A worker: records every `newconn` it is offered and answers it at once with `{accepted}` when `answer` is a
 * boolean, or leaves it for the test to answer (`'hold'`) through `offers[i].reply`. Emits 'offer'.
 */
export class FakeMember extends EventEmitter<{ offer: [Offer] }> implements HandleMember {
  readonly id: number;
  connected = true;
  answer: boolean | 'hold';
  readonly offers: Offer[] = [];

  constructor(id: number, answer: boolean | 'hold' = true) {
    super();
    this.id = id;
    this.answer = answer;
  }

  isConnected(): boolean {
    return this.connected;
  }

  sendNewconn(key: string, client: unknown, onReply: NewconnReply): boolean {
    const offer = { key, client, reply: onReply };
    this.offers.push(offer);
    this.emit('offer', offer);
    if (this.answer !== 'hold') onReply({ accepted: this.answer }, undefined);
    return true;
  }

  /** Answers the oldest held offer not yet answered. */
  answerNext(accepted: boolean): void {
    const offer = this.offers[this.#answered++];
    if (offer === undefined) throw new Error(`worker ${this.id} has no held offer to answer`);
    offer.reply({ accepted }, undefined);
  }

  #answered = 0;
}

/** A raw client handle whose close() is a spy. */
export function fakeClient(peer?: { address: string; port: number }): RawStreamHandle & {
  close: ReturnType<typeof vi.fn>;
} {
  const client = {
    close: vi.fn(),
    onconnection: null,
    ...(peer
      ? {
          getpeername(out: Record<string, unknown>): number {
            out.address = peer.address;
            out.port = peer.port;
            return 0;
          },
        }
      : {}),
  };
  return client;
}

/** A strategy that always picks the first candidate and records the ConnectionInfo of every pick. */
export function recordingStrategy(options: { needsPeer?: boolean } = {}): Strategy & {
  seen: ConnectionInfo[];
  loads: Array<{ id: number; connections: number; requests: number }>;
} {
  const seen: ConnectionInfo[] = [];
  const loads: Array<{ id: number; connections: number; requests: number }> = [];
  return {
    name: 'recording',
    needsPeer: options.needsPeer,
    seen,
    loads,
    pick(connection: ConnectionInfo, workers: readonly WorkerView[]): WorkerView | undefined {
      seen.push(connection);
      return workers[0];
    },
    loadReported(worker: WorkerView): void {
      loads.push({ id: worker.id, connections: worker.connections, requests: worker.requests });
    },
  };
}

/** Every message published on a `shoal:*` channel while subscribed; `stop()` unsubscribes. */
export function recordChannel<T = Record<string, unknown>>(name: string): { events: T[]; stop(): void } {
  const events: T[] = [];
  const listener = (message: unknown): void => {
    events.push(message as T);
  };
  diagnosticsChannel.subscribe(name, listener);
  return { events, stop: () => diagnosticsChannel.unsubscribe(name, listener) };
}

/** A queryServer for TCP on `address:port`. */
export function tcpQuery(port: number, address: string | null = '127.0.0.1'): QueryServerMessage {
  return {
    cmd: 'NODE_CLUSTER',
    act: 'queryServer',
    seq: 0,
    address,
    port,
    addressType: 4,
    fd: undefined,
    index: 0,
    data: null,
  };
}

export interface Answer {
  errno: number | null;
  reply: { sockname?: { address: string; family: string; port: number } } | null;
  handle: unknown;
  onSent: ((error: Error | null) => void) | undefined;
}

/** An answer callback for `ServerHandle.add` that records each answer and resolves `next()` on the first. */
export function answerRecorder(): { answers: Answer[]; answer: QueryServerAnswer; next(): Promise<Answer> } {
  const answers: Answer[] = [];
  const emitter = new EventEmitter();
  return {
    answers,
    answer: (errno, reply, handle, onSent) => {
      const recorded = { errno, reply, handle, onSent };
      answers.push(recorded as Answer);
      emitter.emit('answer', recorded);
    },
    async next(): Promise<Answer> {
      const already = answers[0];
      if (already !== undefined) return already;
      const [answer] = await once(emitter, 'answer', { signal: AbortSignal.timeout(5_000) });
      return answer as Answer;
    },
  };
}

/** A server the test holds on 127.0.0.1, so that binding its port fails. */
export async function holdPort(): Promise<{ port: number; server: net.Server }> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening', { signal: AbortSignal.timeout(5_000) });
  return { port: (server.address() as net.AddressInfo).port, server };
}

export async function closeServer(server: net.Server): Promise<void> {
  if (!server.listening) return;
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/**
 * Connects to 127.0.0.1:port and resolves how it ended: 'closed' when the server side closed the connection
 * (the primary closed its copy of a handed-out client, no worker holding another), or the error code.
 */
export function connectAndWaitForEnd(port: number, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('timeout');
    }, 5_000);
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(error.code ?? 'error');
    });
    socket.once('close', () => {
      clearTimeout(timer);
      resolve('closed');
    });
    socket.resume();
  });
}

/** Opens a connection and resolves with the socket once connected (the test destroys it). */
export async function connect(port: number, host = '127.0.0.1'): Promise<net.Socket> {
  const socket = net.connect(port, host);
  await once(socket, 'connect', { signal: AbortSignal.timeout(5_000) });
  return socket;
}
