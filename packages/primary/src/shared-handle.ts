// A listen socket (TCP, pipe or UDP) the primary binds once and sends to every worker, which accept on it.
import type { QueryServerMessage } from '@shoal/protocol';
import { bindServerHandle } from './bind-server-handle.js';
import type { QueryServerAnswer, ServerHandle } from './server-handle.js';
import type { Worker } from './worker.js';
import type { WorkerLink } from './worker-link.js';

interface Closable {
  close(): void;
}

export class SharedHandle implements ServerHandle {
  readonly key: string;
  data: unknown = undefined;
  readonly #workers = new Set<number>();
  #handle: Closable | null = null;
  #errno = 0;
  #waiting: Array<() => void> | null = [];
  #closed = false;

  constructor(key: string, address: string | null | undefined, query: QueryServerMessage) {
    this.key = key;
    bindServerHandle(address, query, (errno, handle) => {
      this.#errno = errno;
      this.#handle = (handle as Closable | null) ?? null;
      if (this.#closed) {
        // Every worker left while the bind was still under way (UDP on Node 25+): nobody wants it now.
        this.#handle?.close();
        this.#handle = null;
      }
      const waiting = this.#waiting ?? [];
      this.#waiting = null;
      for (const answer of waiting) answer();
    });
  }

  add(worker: Worker, _link: WorkerLink, answer: QueryServerAnswer): void {
    this.#workers.add(worker.id);
    const reply = (): void => {
      if (this.#workers.has(worker.id)) answer(this.#errno, null, this.#handle);
    };
    if (this.#waiting === null) reply();
    else this.#waiting.push(reply);
  }

  remove(worker: Worker): boolean {
    if (!this.#workers.delete(worker.id)) return false;
    if (this.#workers.size !== 0) return false;
    this.#closed = true;
    this.#handle?.close();
    this.#handle = null;
    return true;
  }

  has(worker: Worker): boolean {
    return this.#workers.has(worker.id);
  }
}
