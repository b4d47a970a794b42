// One real Socket.IO client session against socketio-app.js, recorded: the worker behind every engine.io HTTP
// response (its `x-worker` header), every response's status and connection, and every acknowledged message.
import { subscribe } from 'node:diagnostics_channel';
import http from 'node:http';
import { io, type Socket } from 'socket.io-client';

export interface Echo {
  worker: { pid: number; index: string | null; id: number | null };
  transport: string;
  payload: number;
}

export interface SessionRecord {
  /** `x-worker` of each engine.io HTTP response with one (every 200: the handshake, polls and posts). */
  responders: string[];
  /** The status of each engine.io HTTP response (400 is "Session ID unknown" from a worker without it). */
  statuses: number[];
  echoes: Echo[];
  /** TCP connections those responses came over. */
  connections: number;
  /** The client sockets they came over (to see which connections several sessions shared). */
  sockets: Set<unknown>;
  /** Why the session broke, if it did (the client's connect_error or disconnect). */
  failure: string | undefined;
}

export interface SessionOptions {
  port: number;
  /** The client's source address (an agent with `localAddress` of its own carries every request). */
  localAddress?: string;
  /** An agent several sessions share, as a browser's tabs share its connection pool; else one per session. */
  agent?: http.Agent;
  /** `['polling']` (default) or `['polling', 'websocket']` to upgrade once connected. */
  transports?: ('polling' | 'websocket')[];
  messages?: number;
  /** Keep and send engine.io's `io` cookie (socket.io-client's cookie jar in Node). */
  withCredentials?: boolean;
}

interface Recording {
  record: SessionRecord;
  sockets: Set<unknown>;
}

/** Sessions being recorded, by the `session` query parameter each one adds to all its requests. */
const recordings = new Map<string, Recording>();
let sessions = 0;

// Every HTTP response the process receives; a session's requests name it in their query.
subscribe('http.client.response.finish', (message) => {
  const { request, response } = message as { request: http.ClientRequest; response: http.IncomingMessage };
  const tag = new URL(request.path, 'http://x').searchParams.get('session');
  const recording = tag === null ? undefined : recordings.get(tag);
  if (recording === undefined) return;
  const { record, sockets } = recording;
  record.connections = sockets.add(request.socket).size;
  record.statuses.push(response.statusCode ?? 0);
  const worker = response.headers['x-worker'];
  if (typeof worker === 'string') record.responders.push(worker);
});

const ackTimeoutMs = 5_000;

/** Why the socket disconnected or failed to connect, as a rejection (the first of either). */
function broken(client: Socket): Promise<never> {
  return new Promise((_, reject) => {
    // A transport error's `description` is the HTTP status of the failed request.
    const why = (details: unknown): string => {
      const description = (details as { description?: unknown } | undefined)?.description;
      return description === undefined ? '' : ` (${String(description)})`;
    };
    client.once('connect_error', (error) =>
      reject(new Error(`connect_error: ${error.message}${why(error)}`)),
    );
    client.once('disconnect', (reason, details) => reject(new Error(`disconnect: ${reason}${why(details)}`)));
  });
}

/**
 * Connects (no reconnection: a broken session must show), sends `messages` acknowledged `echo` events, upgrades
 * to WebSocket if asked and sends as many again, then closes. Resolves with the record, failed or not.
 */
export async function runSession(options: SessionOptions): Promise<SessionRecord> {
  const agent = options.agent ?? new http.Agent({ localAddress: options.localAddress });
  const record: SessionRecord = {
    responders: [],
    statuses: [],
    echoes: [],
    connections: 0,
    sockets: new Set(),
    failure: undefined,
  };
  const tag = String(++sessions);
  recordings.set(tag, { record, sockets: record.sockets });
  const transports = options.transports ?? ['polling'];
  const client = io(`http://127.0.0.1:${options.port}`, {
    transports,
    agent: agent as unknown as string, // typed as a string for browsers; Node's engine.io-client takes an Agent
    query: { session: tag },
    forceNew: true,
    reconnection: false,
    withCredentials: options.withCredentials ?? false,
  });
  const failed = broken(client);
  failed.catch(() => {});
  const messages = options.messages ?? 20;
  const exchange = async (from: number): Promise<void> => {
    for (let n = from; n < from + messages; n++) {
      const echo = client.timeout(ackTimeoutMs).emitWithAck('echo', n) as Promise<Echo>;
      record.echoes.push(await Promise.race([echo, failed]));
    }
  };
  try {
    await Promise.race([new Promise<void>((resolve) => client.once('connect', () => resolve())), failed]);
    await exchange(0);
    if (transports.includes('websocket')) {
      const engine = client.io.engine;
      if (engine.transport.name !== 'websocket')
        await Promise.race([new Promise<void>((resolve) => engine.once('upgrade', () => resolve())), failed]);
      await exchange(messages);
    }
  } catch (error) {
    record.failure = (error as Error).message;
  } finally {
    client.close();
    if (options.agent === undefined) agent.destroy();
    recordings.delete(tag);
  }
  return record;
}

/** The workers that served a session: every responder and every echo's pid, as a set. */
export function workersOf(record: SessionRecord): Set<string> {
  return new Set([...record.responders, ...record.echoes.map((echo) => String(echo.worker.pid))]);
}
