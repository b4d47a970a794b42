// Smooth weighted round robin (nginx's): each worker's share follows its weight, spread evenly in time.
import type { ConnectionInfo, Strategy, WorkerView } from '../strategy.js';

/**
 * nginx's smooth weighted round robin over workers with no hand-off in flight: each pick adds every such
 * worker's weight to its running score, picks the highest score, and takes the sum of their weights off the
 * winner's. Weights 5, 1, 1 give a, a, b, a, c, a, a — not five a's in a row. Scores live in an array indexed
 * by `slot`, reset when a worker joins or leaves.
 */
export class WeightedRoundRobinStrategy implements Strategy {
  readonly name = 'weighted-round-robin';
  readonly #scores: number[] = [];

  join(worker: WorkerView): void {
    this.#reset(worker.slot);
  }

  leave(worker: WorkerView): void {
    this.#reset(worker.slot);
  }

  pick(_connection: ConnectionInfo, workers: readonly WorkerView[]): WorkerView | undefined {
    const scores = this.#scores;
    let best: WorkerView | undefined;
    let bestScore = 0;
    let total = 0;
    for (let i = 0; i < workers.length; i++) {
      const worker = workers[i] as WorkerView;
      if (worker.pending !== 0) continue;
      if (worker.slot >= scores.length) this.#reset(worker.slot);
      const score = (scores[worker.slot] ?? 0) + worker.weight;
      scores[worker.slot] = score;
      total += worker.weight;
      if (best === undefined || score > bestScore) {
        best = worker;
        bestScore = score;
      }
    }
    if (best !== undefined) scores[best.slot] = bestScore - total;
    return best;
  }

  #reset(slot: number): void {
    // Fill any gap first so the array stays packed (holes would slow every read down).
    while (this.#scores.length < slot) this.#scores.push(0);
    this.#scores[slot] = 0;
  }
}
