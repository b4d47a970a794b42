// Drains this worker for a rolling reload or a shutdown: every response from now on (and every one whose
// headers are not sent yet) says `Connection: close`, the servers stop accepting, and the drain resolves
// once no connection is left or at its timeout. Nothing is closed by force: the supervisor decides after.
import diagnosticsChannel from 'node:diagnostics_channel';
import type { ServerResponse } from 'node:http';
import { Server } from 'node:net';
import type { ListeningServers } from './listening-servers.js';
import type { LoadTracker } from './load-tracker.js';

/** What is still open when the drain resolves. */
export interface DrainResult {
  connections: number;
  requests: number;
}

interface RequestStartEvent {
  response: ServerResponse;
}

interface PendingDrain {
  promise: Promise<DrainResult>;
  resolve(result: DrainResult): void;
  timer: NodeJS.Timeout | undefined;
}

export class Drain {
  readonly #load: LoadTracker;
  readonly #servers: ListeningServers;
  /** Responses in flight: at drain, those whose headers are not sent yet can still say `Connection: close`. */
  readonly #responses = new Set<ServerResponse>();
  #draining = false;
  #pending: PendingDrain | undefined;
  readonly #onRequest = (message: unknown): void => {
    const { response } = message as RequestStartEvent;
    // Published before the app's 'request' listeners run, so the app cannot have written headers yet.
    if (this.#draining) {
      response.shouldKeepAlive = false;
      return;
    }
    this.#responses.add(response);
    response.on('close', this.#onResponseClose);
  };
  readonly #onResponseClose: (this: ServerResponse) => void;

  constructor(load: LoadTracker, servers: ListeningServers) {
    this.#load = load;
    this.#servers = servers;
    const responses = this.#responses;
    // A plain function: the emitter passes itself as `this`, so one listener serves every response.
    this.#onResponseClose = function (this: ServerResponse): void {
      responses.delete(this);
    };
    diagnosticsChannel.subscribe('http.server.request.start', this.#onRequest);
  }

  get draining(): boolean {
    return this.#draining;
  }

  /**
   * Turns draining on (it stays on), stops every listening server from accepting, and resolves with what is
   * still open once no connection is left or after `timeoutMs` (`Infinity`: no timeout). A call while a
   * drain is waiting shares its result.
   */
  start(timeoutMs: number, closeIdle = false): Promise<DrainResult> {
    if (this.#pending) {
      if (closeIdle) closeIdleConnections(this.#servers.listening());
      return this.#pending.promise;
    }
    this.#draining = true;
    for (const response of this.#responses) {
      // Headers already sent said keep-alive; changing the flag now would not reach the client. That
      // connection says `Connection: close` on its next response instead.
      if (!response.headersSent) response.shouldKeepAlive = false;
    }
    this.#responses.clear();
    const servers = this.#servers.listening();
    for (const server of servers) stopAccepting(server);
    if (closeIdle) closeIdleConnections(servers);
    let resolve: (result: DrainResult) => void = () => {};
    const promise = new Promise<DrainResult>((settle) => {
      resolve = settle;
    });
    const pending: PendingDrain = { promise, resolve, timer: undefined };
    if (timeoutMs !== Number.POSITIVE_INFINITY) {
      pending.timer = setTimeout(() => this.#finish(), timeoutMs);
      // A drain never keeps a worker alive: if nothing else does, the process ends and that answers it.
      pending.timer.unref();
    }
    this.#pending = pending;
    this.onLoadChange();
    return promise;
  }

  /** Called on every change of the load counts: resolves a waiting drain when nothing is open. */
  onLoadChange(): void {
    if (this.#pending && this.#load.connections <= 0 && this.#load.requests <= 0) this.#finish();
  }

  stop(): void {
    diagnosticsChannel.unsubscribe('http.server.request.start', this.#onRequest);
    this.#responses.clear();
    this.#finish();
  }

  #finish(): void {
    const pending = this.#pending;
    if (!pending) return;
    this.#pending = undefined;
    clearTimeout(pending.timer);
    pending.resolve({ connections: this.#load.connections, requests: this.#load.requests });
  }
}

/**
 * `net.Server`'s own close(): stops accepting and leaves open connections alone. http.Server's close()
 * would also close idle keep-alive connections, racing a request the client may be sending on one.
 */
function stopAccepting(server: Server): void {
  try {
    Server.prototype.close.call(server);
  } catch {
    // A server that cannot close is left as it is: the drain must not throw into the app.
  }
}

/**
 * Closes the keep-alive connections no request is on (an HTTP server's own closeIdleConnections). Only when
 * asked: a client may be sending a request on one at this moment, which is why a drain normally waits for the
 * next response to say Connection: close; after a shutdown's delay nothing should be sending any more.
 */
function closeIdleConnections(servers: readonly Server[]): void {
  for (const server of servers) {
    const close = (server as Server & { closeIdleConnections?: () => void }).closeIdleConnections;
    if (typeof close !== 'function') continue;
    try {
      close.call(server);
    } catch {
      // Not an HTTP server after all, or already gone.
    }
  }
}
