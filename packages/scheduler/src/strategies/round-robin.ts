// Node's round robin: rotate over the workers, skipping any that has a hand-off still unanswered.
import type { ConnectionInfo, Strategy, WorkerView } from '../strategy.js';
import { Rotation } from './rotation.js';

/**
 * Node-compatible round robin (SCHED_RR): a worker gets its next connection only once it answered the previous
 * hand-off (`pending === 0`); the others take turns in the order they joined. When every worker has a hand-off
 * in flight, connections wait in the dispatcher's FIFO queue, as they do in Node's primary.
 */
export class RoundRobinStrategy implements Strategy {
  readonly name: string = 'round-robin';
  readonly #rotation = new Rotation();

  pick(_connection: ConnectionInfo, workers: readonly WorkerView[]): WorkerView | undefined {
    const count = workers.length;
    const start = this.#rotation.start(workers);
    for (let i = start, seen = 0; seen < count; seen++, i = i + 1 === count ? 0 : i + 1) {
      const worker = workers[i] as WorkerView;
      if (worker.pending === 0) {
        this.#rotation.picked(workers, i);
        return worker;
      }
    }
    return undefined;
  }
}
