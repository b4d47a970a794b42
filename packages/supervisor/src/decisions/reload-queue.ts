// Serializes reloads: one runs at a time; a request while one runs queues one more run (never joining the
// running one, which may have started before the code changed); further requests join that queued run.
import { errInvalidArgValue } from '@shoal/protocol/node-errors';

export interface ReloadTicket {
  /** The run this request is answered by: every request with the same run gets the same report. */
  run: number;
  /** Start this run now (nothing was running). Otherwise it starts when `finish` returns it. */
  startNow: boolean;
}

/** Run ids count up from 1. The driver keeps one deferred report per run id. */
export class ReloadQueue {
  #nextRun = 1;
  #running: number | undefined;
  #queued: number | undefined;

  get running(): number | undefined {
    return this.#running;
  }

  get queued(): number | undefined {
    return this.#queued;
  }

  request(): ReloadTicket {
    if (this.#running === undefined) {
      this.#running = this.#nextRun++;
      return { run: this.#running, startNow: true };
    }
    this.#queued ??= this.#nextRun++;
    return { run: this.#queued, startNow: false };
  }

  /** The running reload finished; returns the queued run to start now, if there is one. */
  finish(run: number): number | undefined {
    if (run !== this.#running) throw errInvalidArgValue('run', run, 'is not the running reload');
    this.#running = this.#queued;
    this.#queued = undefined;
    return this.#running;
  }
}
