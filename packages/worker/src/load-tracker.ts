// Counts a worker's live connections and in-flight HTTP requests from Node's documented diagnostics channels.
import diagnosticsChannel from 'node:diagnostics_channel';
import type { Socket } from 'node:net';

export interface LoadSnapshot {
  connections: number;
  requests: number;
  [metric: string]: number;
}

interface ServerSocketEvent {
  socket: Socket;
}

interface HttpRequestEvent {
  response: { on(event: 'close', listener: () => void): unknown };
}

/** Subscribes to `net.server.socket` and `http.server.request.start`; calls `onChange` after every change. */
export class LoadTracker {
  connections = 0;
  requests = 0;
  readonly #onChange: () => void;
  readonly #onSocket = (message: unknown): void => {
    const { socket } = message as ServerSocketEvent;
    this.connections++;
    // 'close' is emitted once; on() spares the wrapper once() would allocate per socket.
    socket.on('close', this.#onSocketClose);
    this.#onChange();
  };
  readonly #onSocketClose = (): void => {
    this.connections--;
    this.#onChange();
  };
  readonly #onRequest = (message: unknown): void => {
    const { response } = message as HttpRequestEvent;
    this.requests++;
    // 'close' fires for finished and for aborted responses alike, so the count never drifts up.
    response.on('close', this.#onResponseClose);
    this.#onChange();
  };
  readonly #onResponseClose = (): void => {
    this.requests--;
    this.#onChange();
  };

  constructor(onChange: () => void) {
    this.#onChange = onChange;
    diagnosticsChannel.subscribe('net.server.socket', this.#onSocket);
    diagnosticsChannel.subscribe('http.server.request.start', this.#onRequest);
  }

  snapshot(): LoadSnapshot {
    return { connections: this.connections, requests: this.requests };
  }

  stop(): void {
    diagnosticsChannel.unsubscribe('net.server.socket', this.#onSocket);
    diagnosticsChannel.unsubscribe('http.server.request.start', this.#onRequest);
  }
}
