import { describe, expect, it } from 'vitest';
import { WeightedRoundRobinStrategy } from '../src/index.js';
import { counts, createHarness, view } from './helpers/harness.js';

describe('weighted-round-robin', () => {
  it("interleaves as nginx's smooth weighted round robin does", () => {
    const { dispatcher, routeAccepted } = createHarness('weighted-round-robin');
    dispatcher.addWorker(1, { weight: 5 });
    dispatcher.addWorker(2, { weight: 1 });
    dispatcher.addWorker(3, { weight: 1 });
    expect(Array.from({ length: 14 }, () => routeAccepted())).toEqual([
      1, 1, 2, 1, 3, 1, 1, 1, 1, 2, 1, 3, 1, 1,
    ]);
  });

  it('gives each worker a share proportional to its weight', () => {
    const { dispatcher, routeAccepted } = createHarness('weighted-round-robin');
    dispatcher.addWorker(1, { weight: 1 });
    dispatcher.addWorker(2, { weight: 2 });
    dispatcher.addWorker(3, { weight: 3 });
    dispatcher.addWorker(4, { weight: 4 });
    const picks = Array.from({ length: 1000 }, () => routeAccepted() as number);
    expect(Object.fromEntries(counts(picks))).toEqual({ 1: 100, 2: 200, 3: 300, 4: 400 });
  });

  it('is plain round robin with equal weights, and skips workers with a hand-off in flight', () => {
    const strategy = new WeightedRoundRobinStrategy();
    const workers = [view(0), view(1), view(2)];
    for (const worker of workers) strategy.join(worker);
    expect([0, 1, 2, 3].map(() => strategy.pick({ key: 's' }, workers)?.id)).toEqual([0, 1, 2, 0]);
    workers[1]!.pending = 1;
    expect([0, 1, 2].map(() => strategy.pick({ key: 's' }, workers)?.id)).not.toContain(1);
    for (const worker of workers) worker.pending = 1;
    expect(strategy.pick({ key: 's' }, workers)).toBeUndefined();
  });

  it('starts a worker that takes over a slot from a clean score', () => {
    const { dispatcher, routeAccepted } = createHarness('weighted-round-robin');
    dispatcher.addWorker(1, { weight: 3 });
    dispatcher.addWorker(2, { weight: 1 });
    routeAccepted();
    dispatcher.removeWorker(1);
    dispatcher.addWorker(5, { weight: 1 });
    expect(dispatcher.getWorker(5)?.slot).toBe(0);
    const picks = Array.from({ length: 10 }, () => routeAccepted() as number);
    expect(Object.fromEntries(counts(picks))).toEqual({ 2: 5, 5: 5 });
  });

  it('works without join for views it has not seen', () => {
    const strategy = new WeightedRoundRobinStrategy();
    const workers = [view(4, { weight: 2 }), view(6, { weight: 1 })];
    const picks = Array.from({ length: 6 }, () => strategy.pick({ key: 's' }, workers)?.id as number);
    expect(Object.fromEntries(counts(picks))).toEqual({ 4: 4, 6: 2 });
  });
});
