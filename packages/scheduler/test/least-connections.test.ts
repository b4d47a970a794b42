import { describe, expect, it } from 'vitest';
import { LeastConnectionsStrategy } from '../src/index.js';
import { createHarness, view } from './helpers/harness.js';

describe('least-connections', () => {
  it('picks the worker with the fewest live connections', () => {
    const { dispatcher, routeAccepted } = createHarness('least-connections');
    for (const id of [1, 2, 3]) dispatcher.addWorker(id);
    dispatcher.reportLoad(1, { connections: 5, requests: 0 });
    dispatcher.reportLoad(2, { connections: 1, requests: 9 });
    dispatcher.reportLoad(3, { connections: 3, requests: 0 });
    expect(routeAccepted()).toBe(2);
    expect(routeAccepted()).toBe(2);
    // 2 has 3 now, as many as 3: the tie goes to the next one after the last pick.
    expect(routeAccepted()).toBe(3);
    expect(dispatcher.getWorker(3)?.connections).toBe(4);
  });

  it('breaks ties round robin', () => {
    const { dispatcher, routeAccepted } = createHarness('least-connections');
    for (const id of [1, 2, 3]) dispatcher.addWorker(id);
    const picks: (number | undefined)[] = [];
    for (let i = 0; i < 6; i++) {
      const worker = routeAccepted();
      picks.push(worker);
      dispatcher.connectionClosed(worker as number);
    }
    expect(picks).toEqual([1, 2, 3, 1, 2, 3]);
  });

  it('counts closes, never below zero', () => {
    const { dispatcher, routeAccepted } = createHarness('least-connections');
    dispatcher.addWorker(1);
    dispatcher.addWorker(2);
    routeAccepted();
    routeAccepted();
    routeAccepted();
    expect(dispatcher.workers.map((worker) => worker.connections)).toEqual([2, 1]);
    dispatcher.connectionClosed(1);
    dispatcher.connectionClosed(1);
    dispatcher.connectionClosed(1);
    expect(dispatcher.workers.map((worker) => worker.connections)).toEqual([0, 1]);
    expect(routeAccepted()).toBe(1);
  });

  it('waits for a worker with no hand-off in flight', () => {
    const strategy = new LeastConnectionsStrategy();
    const workers = [view(1, { pending: 1 }), view(2, { connections: 9 })];
    expect(strategy.pick({ key: 's' }, workers)?.id).toBe(2);
    workers[1]!.pending = 1;
    expect(strategy.pick({ key: 's' }, workers)).toBeUndefined();
  });

  it('compares connections per unit of weight', () => {
    const strategy = new LeastConnectionsStrategy();
    const heavy = view(1, { weight: 3, connections: 5 });
    const light = view(2, { weight: 1, connections: 2 });
    expect(strategy.pick({ key: 's' }, [heavy, light])).toBe(heavy); // 5/3 < 2/1
    heavy.connections = 7;
    expect(strategy.pick({ key: 's' }, [heavy, light])).toBe(light); // 7/3 > 2/1
  });
});
