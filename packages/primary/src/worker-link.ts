// Sends Node cluster messages to one worker, numbering them, and routes each reply (`ack`) to its callback.
import { NODE_CLUSTER_CMD } from '@shoal/protocol';

export type ReplyCallback = (reply: Record<string, unknown>, handle: unknown) => void;

/** What the link needs of a worker's IPC channel: a ChildProcess fits, and so does a fake in tests. */
export interface IpcChannel {
  readonly connected: boolean;
  send(
    message: unknown,
    handle?: unknown,
    options?: unknown,
    callback?: (error: Error | null) => void,
  ): boolean;
}

export class WorkerLink {
  readonly #channel: IpcChannel;
  readonly #awaitingReply = new Map<number, ReplyCallback>();
  #nextSeq = 0;

  constructor(channel: IpcChannel) {
    this.#channel = channel;
  }

  /** Replies awaited from the worker (newconn hand-offs unanswered). */
  get awaiting(): number {
    return this.#awaitingReply.size;
  }

  /**
   * Sends `{cmd: 'NODE_CLUSTER', ...fields, seq}` (with an optional handle); answers and acts that need no
   * reply. `onSent` runs once it was written (or with the error that kept it from being written). Returns
   * false, sending nothing, once the channel is closed (then `onSent` gets an error too).
   */
  send(fields: Record<string, unknown>, handle?: unknown, onSent?: (error: Error | null) => void): boolean {
    if (!this.#channel.connected) {
      if (onSent) process.nextTick(onSent, new Error('the worker disconnected'));
      return false;
    }
    return this.#send({ cmd: NODE_CLUSTER_CMD, ...fields, seq: this.#nextSeq++ }, handle, onSent);
  }

  /**
   * `newconn` for `key` with the client handle, the one message that awaits a reply: `onReply` runs when the
   * worker answers with `ack` = its seq. Built without spreading, as it is sent per connection.
   */
  sendNewconn(key: string, client: unknown, onReply: ReplyCallback): boolean {
    if (!this.#channel.connected) return false;
    const seq = this.#nextSeq++;
    this.#awaitingReply.set(seq, onReply);
    return this.#send({ cmd: NODE_CLUSTER_CMD, act: 'newconn', key, seq }, client, undefined);
  }

  /**
   * A Shoal message with `cmd` (one Node's worker ignores) and a handle, awaiting a reply like `newconn`: the
   * worker runtime answers `{cmd, ack: seq, ...}`.
   */
  sendAwaitingReply(
    cmd: string,
    fields: Record<string, unknown>,
    handle: unknown,
    onReply: ReplyCallback,
  ): boolean {
    if (!this.#channel.connected) return false;
    const seq = this.#nextSeq++;
    this.#awaitingReply.set(seq, onReply);
    return this.#send({ ...fields, cmd, seq }, handle, undefined);
  }

  #send(message: object, handle: unknown, onSent: ((error: Error | null) => void) | undefined): boolean {
    // Without a callback, as in Node's own primary, a failed write surfaces as the child's 'error' (the
    // worker's), and the awaited replies are dropped by clear() when the channel closes.
    if (onSent === undefined) return this.#channel.send(message, handle ?? undefined);
    return this.#channel.send(message, handle ?? undefined, undefined, onSent);
  }

  /** Runs the callback waiting for this reply; false when the message is not an awaited reply. */
  deliverReply(message: { ack?: unknown }, handle: unknown): boolean {
    if (typeof message.ack !== 'number') return false;
    const callback = this.#awaitingReply.get(message.ack);
    if (callback === undefined) return false;
    this.#awaitingReply.delete(message.ack);
    callback(message as Record<string, unknown>, handle);
    return true;
  }

  /** Forgets every awaited reply: the worker is gone and will never answer. */
  clear(): void {
    this.#awaitingReply.clear();
  }
}
