// Least connections: the worker with the fewest live connections (per unit of weight) wins; ties rotate.
import type { ConnectionInfo, Strategy, WorkerView } from '../strategy.js';
import { Rotation } from './rotation.js';

/**
 * Picks, among workers with no hand-off in flight, the one with the fewest live connections per unit of
 * weight (plain fewest when weights are all 1). Ties are broken round robin: the search starts after the
 * worker picked last. Live connections come from the dispatcher's view: the last load report, plus the
 * hand-offs accepted and minus the connections closed since.
 */
export class LeastConnectionsStrategy implements Strategy {
  readonly name = 'least-connections';
  readonly needsLoad = true;
  readonly #rotation = new Rotation();

  pick(_connection: ConnectionInfo, workers: readonly WorkerView[]): WorkerView | undefined {
    const count = workers.length;
    const start = this.#rotation.start(workers);
    let best: WorkerView | undefined;
    let bestIndex = 0;
    for (let i = start, seen = 0; seen < count; seen++, i = i + 1 === count ? 0 : i + 1) {
      const worker = workers[i] as WorkerView;
      if (worker.pending !== 0) continue;
      // a/wa < b/wb without dividing: a·wb < b·wa.
      if (best === undefined || worker.connections * best.weight < best.connections * worker.weight) {
        best = worker;
        bestIndex = i;
      }
    }
    if (best !== undefined) this.#rotation.picked(workers, bestIndex);
    return best;
  }
}
