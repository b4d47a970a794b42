// Where a rotating search resumes: just after the worker picked last, even if the offered list changed since.
import type { WorkerView } from '../strategy.js';

export class Rotation {
  #last: WorkerView | undefined;
  #next = 0;

  /** The index to start searching `workers` from. */
  start(workers: readonly WorkerView[]): number {
    const count = workers.length;
    const next = this.#next;
    // Fast path: the list is as it was (the worker picked last sits just before `next`).
    if (next > 0 && next <= count && workers[next - 1] === this.#last) return next < count ? next : 0;
    const at = this.#last === undefined ? -1 : workers.indexOf(this.#last);
    if (at !== -1) return at + 1 < count ? at + 1 : 0;
    // The worker picked last is not offered (it refused this connection, or is busy): the one after it most
    // likely moved up into its place.
    return next - 1 < count ? Math.max(next - 1, 0) : 0;
  }

  picked(workers: readonly WorkerView[], index: number): void {
    this.#last = workers[index];
    this.#next = index + 1;
  }
}
