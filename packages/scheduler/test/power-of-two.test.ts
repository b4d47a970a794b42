import { describe, expect, it } from 'vitest';
import { PowerOfTwoStrategy } from '../src/index.js';
import { counts, createHarness, seededRandom, view } from './helpers/harness.js';

function sequence(...values: number[]): () => number {
  let index = 0;
  return () => values[index++ % values.length] as number;
}

describe('power-of-two', () => {
  it('samples two distinct workers and picks the less loaded', () => {
    const workers = [view(1, { connections: 4 }), view(2, { connections: 1 }), view(3, { connections: 0 })];
    // 0.0 → index 0; 0.0 over the two others → index 0, stepped over the first → 1.
    expect(new PowerOfTwoStrategy({ random: sequence(0, 0) }).pick({ key: 's' }, workers)?.id).toBe(2);
    // 0.99 → index 2; 0.99 over the two others → index 1 → 1.
    expect(new PowerOfTwoStrategy({ random: sequence(0.99, 0.99) }).pick({ key: 's' }, workers)?.id).toBe(3);
    // A tie keeps the first sampled.
    workers[0]!.connections = 1;
    expect(new PowerOfTwoStrategy({ random: sequence(0.5, 0) }).pick({ key: 's' }, workers)?.id).toBe(2);
  });

  it('copes with a random source returning 1', () => {
    const workers = [view(1), view(2)];
    expect(new PowerOfTwoStrategy({ random: () => 1 }).pick({ key: 's' }, workers)).toBeDefined();
  });

  it('falls back to idle workers when a sampled one has a hand-off in flight', () => {
    const workers = [view(1, { pending: 1 }), view(2, { pending: 1 }), view(3, { connections: 7 })];
    const strategy = new PowerOfTwoStrategy({ random: sequence(0, 0) });
    expect(strategy.pick({ key: 's' }, workers)?.id).toBe(3);
    workers[2]!.pending = 1;
    expect(strategy.pick({ key: 's' }, workers)).toBeUndefined();
    expect(strategy.pick({ key: 's' }, [view(9, { pending: 1 })])).toBeUndefined();
    expect(strategy.pick({ key: 's' }, [view(9)])?.id).toBe(9);
  });

  it('spreads connections evenly', () => {
    const random = seededRandom(7);
    const { dispatcher, routeAccepted } = createHarness(new PowerOfTwoStrategy({ random: seededRandom(8) }));
    for (let id = 1; id <= 4; id++) dispatcher.addWorker(id);
    const picks: number[] = [];
    for (let i = 0; i < 4000; i++) {
      picks.push(routeAccepted() as number);
      // Connections close at random, so loads differ and the comparison matters.
      while (dispatcher.workers.reduce((sum, worker) => sum + worker.connections, 0) > 40) {
        dispatcher.connectionClosed(1 + Math.floor(random() * 4));
      }
    }
    for (const count of counts(picks).values()) expect(count).toBeGreaterThan(900);
    const loads = dispatcher.workers.map((worker) => worker.connections);
    expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(3);
  });

  it('rejects a random source that is not a function', () => {
    expect(() => new PowerOfTwoStrategy({ random: 5 as unknown as () => number })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE', name: 'TypeError' }),
    );
  });
});
