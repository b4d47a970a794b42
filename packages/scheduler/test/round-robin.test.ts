import { describe, expect, it } from 'vitest';
import { RoundRobinStrategy } from '../src/index.js';
import { createHarness, view } from './helpers/harness.js';

describe('round-robin', () => {
  it('takes the workers in turn, in the order they joined', () => {
    const { dispatcher, routeAccepted } = createHarness('round-robin');
    for (const id of [3, 1, 2]) dispatcher.addWorker(id);
    expect(Array.from({ length: 7 }, () => routeAccepted())).toEqual([3, 1, 2, 3, 1, 2, 3]);
  });

  it('never gives a worker a second connection while a hand-off to it is unanswered', () => {
    const { dispatcher, route, targets } = createHarness('round-robin');
    dispatcher.addWorker(1);
    dispatcher.addWorker(2);
    const first = route();
    route();
    route();
    route();
    expect(targets()).toEqual([1, 2]);
    expect(dispatcher.queued).toBe(2);
    dispatcher.settle(1, first, true);
    // Node's primary does the same: the worker that answered takes the next queued connection.
    expect(targets()).toEqual([1, 2, 1]);
    expect(dispatcher.queued).toBe(1);
  });

  it('skips workers that are not ready', () => {
    const { dispatcher, routeAccepted } = createHarness('round-robin');
    dispatcher.addWorker(1);
    dispatcher.addWorker(2, { ready: false });
    dispatcher.addWorker(3);
    expect([routeAccepted(), routeAccepted(), routeAccepted()]).toEqual([1, 3, 1]);
    dispatcher.setReady(2, true);
    expect([routeAccepted(), routeAccepted(), routeAccepted()]).toEqual([2, 3, 1]);
  });

  it('resumes after the worker picked last when the list changes', () => {
    const { dispatcher, routeAccepted } = createHarness('round-robin');
    for (const id of [1, 2, 3]) dispatcher.addWorker(id);
    expect([routeAccepted(), routeAccepted()]).toEqual([1, 2]);
    dispatcher.setReady(1, false);
    expect([routeAccepted(), routeAccepted()]).toEqual([3, 2]);
  });

  it('returns undefined when every offered worker has a hand-off in flight', () => {
    const strategy = new RoundRobinStrategy();
    const workers = [view(1, { pending: 1 }), view(2, { pending: 1 })];
    expect(strategy.pick({ key: 's' }, workers)).toBeUndefined();
    workers[1]!.pending = 0;
    expect(strategy.pick({ key: 's' }, workers)).toBe(workers[1]);
  });

  it('keeps rotating when the offered list shrinks', () => {
    const strategy = new RoundRobinStrategy();
    const workers = [view(1), view(2), view(3)];
    expect(strategy.pick({ key: 's' }, workers)?.id).toBe(1);
    expect(strategy.pick({ key: 's' }, workers)?.id).toBe(2);
    expect(strategy.pick({ key: 's' }, workers)?.id).toBe(3);
    expect(strategy.pick({ key: 's' }, workers.slice(0, 2))?.id).toBe(1);
  });
});
