// The correlation table behind request/response: ids, timeouts and cancellation, nothing left behind
// once a request settles.
import { ProtocolError, ProtocolErrorCode } from './errors.js';
import { validateTimeout } from './validate.js';

export interface PendingRequestOptions {
  /** Rejects with `SHOAL_ERR_REQUEST_TIMEOUT` after this many ms; `undefined` or `Infinity`: never. */
  timeoutMs?: number;
  /** Rejects with `SHOAL_ERR_REQUEST_CANCELLED` when aborted (at once if already aborted). */
  signal?: AbortSignal;
  /** Names the request in error messages, e.g. `rpc "stats"`. */
  label?: string;
}

export interface PendingRequest<T> {
  id: number;
  promise: Promise<T>;
}

interface Entry<T> {
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
  label: string;
  timer: ReturnType<typeof setTimeout> | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/**
 * Open requests by id. Ids are positive integers, unique among open requests. Timers are unref'd (an
 * open request never keeps the process alive) and, like abort listeners, removed as soon as the request
 * settles, whichever way.
 */
export class PendingRequests<T> {
  readonly #entries = new Map<number, Entry<T>>();
  #lastId = 0;

  /** Number of open requests. */
  get size(): number {
    return this.#entries.size;
  }

  has(id: number): boolean {
    return this.#entries.has(id);
  }

  /** Opens a request. Throws `ERR_OUT_OF_RANGE` for a bad `timeoutMs`. */
  create(options: PendingRequestOptions = {}): PendingRequest<T> {
    const timeoutMs = validateTimeout('timeoutMs', options.timeoutMs);
    const { signal } = options;
    const id = this.#nextId();
    const label = options.label ?? `request ${id}`;
    let resolve!: (value: T) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    if (signal?.aborted) {
      reject(cancelledError(label, id, signal));
      return { id, promise };
    }
    const entry: Entry<T> = { resolve, reject, label, timer: undefined, signal, onAbort: undefined };
    this.#entries.set(id, entry);
    if (timeoutMs !== undefined && timeoutMs !== Number.POSITIVE_INFINITY) {
      entry.timer = setTimeout(() => {
        this.reject(
          id,
          new ProtocolError(ProtocolErrorCode.REQUEST_TIMEOUT, `${label} timed out after ${timeoutMs} ms`, {
            details: { id, timeoutMs },
          }),
        );
      }, timeoutMs);
      entry.timer.unref?.();
    }
    if (signal !== undefined) {
      entry.onAbort = () => this.reject(id, cancelledError(label, id, signal));
      signal.addEventListener('abort', entry.onAbort, { once: true });
    }
    return { id, promise };
  }

  /** Settles request `id` with `value`; `false` if it is not open (settled, timed out, unknown). */
  resolve(id: number, value: T): boolean {
    const entry = this.#take(id);
    if (entry === undefined) return false;
    entry.resolve(value);
    return true;
  }

  /** Rejects request `id`; `false` if it is not open. */
  reject(id: number, error: unknown): boolean {
    const entry = this.#take(id);
    if (entry === undefined) return false;
    entry.reject(error);
    return true;
  }

  /** Rejects every open request with `error`. */
  rejectAll(error: unknown): void {
    for (const id of [...this.#entries.keys()]) this.reject(id, error);
  }

  /** The label request `id` was opened with, while it is open. */
  labelOf(id: number): string | undefined {
    return this.#entries.get(id)?.label;
  }

  #take(id: number): Entry<T> | undefined {
    const entry = this.#entries.get(id);
    if (entry === undefined) return undefined;
    this.#entries.delete(id);
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    if (entry.onAbort !== undefined) entry.signal?.removeEventListener('abort', entry.onAbort);
    return entry;
  }

  #nextId(): number {
    do {
      this.#lastId = this.#lastId >= Number.MAX_SAFE_INTEGER ? 1 : this.#lastId + 1;
    } while (this.#entries.has(this.#lastId));
    return this.#lastId;
  }
}

function cancelledError(label: string, id: number, signal: AbortSignal): ProtocolError {
  return new ProtocolError(ProtocolErrorCode.REQUEST_CANCELLED, `${label} was cancelled`, {
    cause: signal.reason,
    details: { id },
  });
}
