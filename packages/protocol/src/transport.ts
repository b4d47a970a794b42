// The message pipe an extension channel runs on. The package knows nothing of processes: the primary
// adapts a ChildProcess's 'internalMessage' event, a worker adapts `process`.

export interface Transport {
  /** Sends one message (a plain object). May throw if the pipe is already closed. */
  send(message: unknown): void;
  /** Subscribes to every incoming message (Node's cluster traffic included); returns an unsubscribe. */
  onMessage(listener: (message: unknown) => void): () => void;
  /** Subscribes to the pipe closing for good; returns an unsubscribe. */
  onClose(listener: () => void): () => void;
}
