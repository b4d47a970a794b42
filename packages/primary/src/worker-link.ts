// Sends Node cluster messages to one worker, numbering them, and routes each reply (`ack`) to its callback.
import type { ChildProcess } from 'node:child_process';
import { NODE_CLUSTER_CMD } from '@shoal/protocol';

export type ReplyCallback = (reply: Record<string, unknown>, handle: unknown) => void;

export class WorkerLink {
  readonly #process: ChildProcess;
  readonly #awaitingReply = new Map<number, ReplyCallback>();
  #nextSeq = 0;

  constructor(process: ChildProcess) {
    this.#process = process;
  }

  /**
   * Sends `{cmd: 'NODE_CLUSTER', ...fields, seq}` (with an optional handle); answers and acts that need no
   * reply. Returns false, sending nothing, once the channel is closed.
   */
  send(fields: Record<string, unknown>, handle?: unknown): boolean {
    if (!this.#process.connected) return false;
    return this.#send({ cmd: NODE_CLUSTER_CMD, ...fields, seq: this.#nextSeq++ }, handle);
  }

  /**
   * `newconn` for `key` with the client handle, the one message that awaits a reply: `onReply` runs when the
   * worker answers with `ack` = its seq. Built without spreading, as it is sent per connection.
   */
  sendNewconn(key: string, client: unknown, onReply: ReplyCallback): boolean {
    if (!this.#process.connected) return false;
    const seq = this.#nextSeq++;
    this.#awaitingReply.set(seq, onReply);
    return this.#send({ cmd: NODE_CLUSTER_CMD, act: 'newconn', key, seq }, client);
  }

  #send(message: object, handle: unknown): boolean {
    // No callback, as in Node's own primary: a failed write surfaces as the child's 'error' (the worker's),
    // and the awaited replies are dropped by clear() when the channel closes.
    const send = this.#process.send as (message: unknown, handle: unknown) => boolean;
    return send.call(this.#process, message, handle ?? undefined);
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
