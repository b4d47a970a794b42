// Power of two choices: two random workers, the less loaded one wins — near least-connections at O(1).
import type { ConnectionInfo, Strategy, WorkerView } from '../strategy.js';
import { validateFunction, validateObject } from '../validate.js';

export interface PowerOfTwoOptions {
  /**
   * A uniform random number in [0, 1), as `Math.random` returns (inject a seeded one in tests). Default: a
   * mulberry32 generator seeded from `Math.random` — V8's `Math.random` allocates as it refills its cache.
   */
  random?: () => number;
}

/**
 * Samples two distinct workers with no hand-off in flight and picks the one with fewer live connections per
 * unit of weight (the first sampled on a tie). When a sampled worker has a hand-off in flight, the search
 * goes on from it to the next workers, so a connection is queued only when every worker has one.
 */
export class PowerOfTwoStrategy implements Strategy {
  readonly name = 'power-of-two';
  readonly needsLoad = true;
  readonly #random: (() => number) | undefined;
  /** State of the built-in generator, used when no `random` was given. */
  #state = Math.floor(Math.random() * 2 ** 32);
  /** The second idle worker `#twoIdle` found (kept here so the fallback allocates nothing). */
  #secondIdle: WorkerView | undefined;

  constructor(options: PowerOfTwoOptions = {}) {
    validateObject(options, 'options');
    if (options.random !== undefined) validateFunction(options.random, 'options.random');
    this.#random = options.random;
  }

  pick(_connection: ConnectionInfo, workers: readonly WorkerView[]): WorkerView | undefined {
    const count = workers.length;
    if (count === 1) {
      const only = workers[0] as WorkerView;
      return only.pending === 0 ? only : undefined;
    }
    const first = this.#index(count);
    // A second index uniform over the others: draw from count - 1 and step over the first.
    let second = this.#index(count - 1);
    if (second >= first) second++;
    let a = workers[first] as WorkerView;
    let b = workers[second] as WorkerView;
    if (a.pending !== 0 || b.pending !== 0) {
      // Rare under light load: fall back to the first two idle workers found from a random start.
      const found = this.#twoIdle(workers, first);
      if (found === undefined) return undefined;
      a = found;
      b = this.#secondIdle ?? found;
    }
    return b.connections * a.weight < a.connections * b.weight ? b : a;
  }

  #index(count: number): number {
    const random = this.#random === undefined ? this.#mulberry32() : this.#random();
    const index = Math.floor(random * count);
    return index < count ? index : count - 1;
  }

  #mulberry32(): number {
    this.#state = (this.#state + 0x6d2b79f5) | 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** The first idle worker from `start` on; the one after it goes to `#secondIdle` (no array allocated). */
  #twoIdle(workers: readonly WorkerView[], start: number): WorkerView | undefined {
    const count = workers.length;
    let found: WorkerView | undefined;
    this.#secondIdle = undefined;
    for (let i = start, seen = 0; seen < count; seen++, i = i + 1 === count ? 0 : i + 1) {
      const worker = workers[i] as WorkerView;
      if (worker.pending !== 0) continue;
      if (found === undefined) {
        found = worker;
      } else {
        this.#secondIdle = worker;
        break;
      }
    }
    return found;
  }
}
