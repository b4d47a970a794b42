import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConsistentHashStrategy, Dispatcher, type WorkerView } from '../src/index.js';
import { counts, createHarness, view } from './helpers/harness.js';

const address = (i: number): string => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

/** Routes one connection per key, accepting and closing it at once (loads stay 0); returns key → worker. */
function placeAll(harness: ReturnType<typeof createHarness>, keys: number): number[] {
  const placed: number[] = [];
  for (let i = 0; i < keys; i++) {
    const worker = harness.routeAccepted({ remoteAddress: address(i) }) as number;
    harness.dispatcher.connectionClosed(worker);
    placed.push(worker);
  }
  return placed;
}

describe('consistent-hash', () => {
  it('sends a key back to the same worker, and spreads keys over the workers', () => {
    const harness = createHarness('consistent-hash');
    for (let id = 1; id <= 4; id++) harness.dispatcher.addWorker(id);
    const first = placeAll(harness, 2000);
    expect(placeAll(harness, 2000)).toEqual(first);
    for (const count of counts(first).values()) expect(count).toBeGreaterThan(300);
  });

  it('prefers the routing key to the remote address', () => {
    const harness = createHarness(new ConsistentHashStrategy({ maxKeys: 0 }));
    for (let id = 1; id <= 8; id++) harness.dispatcher.addWorker(id);
    const byKey = Array.from({ length: 50 }, (_, i) => {
      const worker = harness.routeAccepted({ routingKey: 'session-42', remoteAddress: address(i) }) as number;
      harness.dispatcher.connectionClosed(worker);
      return worker;
    });
    expect(new Set(byKey).size).toBe(1);
  });

  it('moves about 1/N of the keys when a worker joins, and only to it', () => {
    const harness = createHarness(new ConsistentHashStrategy({ maxKeys: 0 }));
    for (let id = 1; id <= 8; id++) harness.dispatcher.addWorker(id);
    const before = placeAll(harness, 20_000);
    harness.dispatcher.addWorker(9);
    const after = placeAll(harness, 20_000);
    let moved = 0;
    for (let i = 0; i < before.length; i++) {
      if (before[i] === after[i]) continue;
      moved++;
      expect(after[i]).toBe(9);
    }
    expect(moved / before.length).toBeGreaterThan(0.08);
    expect(moved / before.length).toBeLessThan(0.15);
  });

  it('keeps remembered keys on their workers when a worker joins', () => {
    const harness = createHarness('consistent-hash');
    for (let id = 1; id <= 8; id++) harness.dispatcher.addWorker(id);
    const before = placeAll(harness, 5000);
    harness.dispatcher.addWorker(9);
    expect(placeAll(harness, 5000)).toEqual(before);
  });

  it('gives a worker that replaces one that left exactly the keys it had', () => {
    const harness = createHarness(new ConsistentHashStrategy({ maxKeys: 0 }));
    for (let id = 1; id <= 4; id++) harness.dispatcher.addWorker(id);
    const before = placeAll(harness, 4000);
    harness.dispatcher.removeWorker(3);
    const during = placeAll(harness, 4000);
    for (let i = 0; i < before.length; i++) if (before[i] !== 3) expect(during[i]).toBe(before[i]);
    harness.dispatcher.addWorker(7);
    const after = placeAll(harness, 4000);
    expect(after).toEqual(before.map((worker) => (worker === 3 ? 7 : worker)));
  });

  it('places a new key on no worker at or above ⌈(1 + ε)·(m + 1)/n⌉', () => {
    const strategy = new ConsistentHashStrategy({ epsilon: 0.25, maxKeys: 0 });
    const workers = [view(0, { connections: 10 }), view(1), view(2, { pending: 1 })];
    for (const worker of workers) strategy.join(worker);
    // m = 11 → bound ⌈1.25 · 12 / 3⌉ = 5: worker 0 is full.
    const placed = counts(
      Array.from(
        { length: 500 },
        (_, i) => strategy.pick({ key: 's', remoteAddress: address(i) }, workers)?.id as number,
      ),
    );
    expect(placed.get(0)).toBeUndefined();
    expect(placed.get(1)).toBeGreaterThan(100);
    expect(placed.get(2)).toBeGreaterThan(100);
  });

  it('keeps every worker within the bound as connections accumulate', () => {
    const epsilon = 0.1;
    const harness = createHarness(new ConsistentHashStrategy({ epsilon }));
    for (let id = 1; id <= 5; id++) harness.dispatcher.addWorker(id);
    for (let i = 0; i < 3000; i++) {
      const total = harness.dispatcher.workers.reduce((sum, worker) => sum + worker.connections, 0);
      const worker = harness.routeAccepted({ remoteAddress: address(i) }) as number;
      const load = (harness.dispatcher.getWorker(worker) as WorkerView).connections - 1;
      expect(load).toBeLessThan(Math.ceil(((1 + epsilon) * (total + 1)) / 5));
    }
    const loads = harness.dispatcher.workers.map((worker) => worker.connections);
    expect(Math.max(...loads)).toBeLessThanOrEqual(Math.ceil(1.1 * 600));
  });

  it('keeps the bound for any loads, weights and keys (property)', () => {
    const worker = fc.record({
      connections: fc.nat(30),
      pending: fc.nat(2),
      weight: fc.integer({ min: 1, max: 4 }),
      ready: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(worker, { minLength: 1, maxLength: 10 }),
        fc.array(fc.string(), { minLength: 1, maxLength: 60 }),
        fc.double({ min: 0, max: 2, noNaN: true }),
        (specs, keys, epsilon) => {
          const strategy = new ConsistentHashStrategy({ epsilon, maxKeys: 0 });
          const views = specs.map((spec, i) => view(i, spec));
          for (const member of views) strategy.join(member);
          const offered = views.filter((member) => member.ready);
          if (offered.length === 0) return;
          for (const key of keys) {
            const chosen = strategy.pick({ key: 's', routingKey: key }, offered) as (typeof views)[number];
            expect(offered).toContain(chosen);
            const load = offered.reduce((sum, member) => sum + member.connections + member.pending, 0);
            const weight = offered.reduce((sum, member) => sum + member.weight, 0);
            const bound = Math.ceil((((1 + epsilon) * (load + 1)) / weight) * chosen.weight);
            expect(chosen.connections + chosen.pending).toBeLessThan(bound);
            chosen.connections++;
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('lets stickiness beat the load bound', () => {
    const harness = createHarness('consistent-hash');
    for (let id = 1; id <= 2; id++) harness.dispatcher.addWorker(id);
    const home = harness.routeAccepted({ remoteAddress: 'client' }) as number;
    harness.dispatcher.reportLoad(home, { connections: 1000, requests: 0 });
    expect(harness.routeAccepted({ remoteAddress: 'client' })).toBe(home);
  });

  it('waits for the key’s worker while it is not ready, without holding other keys up', () => {
    const harness = createHarness(new ConsistentHashStrategy());
    harness.dispatcher.addWorker(1);
    harness.dispatcher.addWorker(2);
    const home = harness.routeAccepted({ remoteAddress: 'client' }) as number;
    const other = home === 1 ? 2 : 1;
    harness.dispatcher.setReady(home, false);
    const waiting = harness.route({ remoteAddress: 'client' });
    expect(harness.dispatcher.queued).toBe(1);
    // A key placed on the other worker goes by.
    let i = 0;
    while (harness.routeAccepted({ remoteAddress: address(i) }) !== other) i++;
    expect(harness.dispatcher.queued).toBe(1);
    harness.dispatcher.setReady(home, true);
    expect(harness.handoffs.at(-1)).toMatchObject({ worker: home, connection: waiting });
  });

  it('routes a connection its worker refused elsewhere, keeping the key’s home', () => {
    const harness = createHarness('consistent-hash');
    for (let id = 1; id <= 3; id++) harness.dispatcher.addWorker(id);
    const home = harness.routeAccepted({ remoteAddress: 'client' }) as number;
    const refused = harness.route({ remoteAddress: 'client' });
    harness.dispatcher.settle(home, refused, false);
    const detour = harness.handoffs.at(-1);
    expect(detour?.connection).toBe(refused);
    expect(detour?.worker).not.toBe(home);
    expect(harness.routeAccepted({ remoteAddress: 'client' })).toBe(home);
  });

  it('places a key anew once its worker left', () => {
    const harness = createHarness('consistent-hash');
    for (let id = 1; id <= 3; id++) harness.dispatcher.addWorker(id);
    const home = harness.routeAccepted({ remoteAddress: 'client' }) as number;
    harness.dispatcher.removeWorker(home);
    const next = harness.routeAccepted({ remoteAddress: 'client' });
    expect(next).not.toBe(home);
    expect(harness.routeAccepted({ remoteAddress: 'client' })).toBe(next);
  });

  it('remembers at most maxKeys keys, forgetting the least recently used', () => {
    const strategy = new ConsistentHashStrategy({ maxKeys: 2 });
    const workers = [view(0), view(1), view(2), view(3)];
    for (const worker of workers) strategy.join(worker);
    const pick = (key: string) => strategy.pick({ key: 's', routingKey: key }, workers);
    const a = pick('a');
    pick('b');
    pick('a');
    pick('c'); // evicts b, the least recently used
    expect(strategy.remembered).toBe(2);
    // Load a's worker so far beyond the bound that a forgotten a would move: a stays, so it was remembered.
    (a as { connections: number }).connections = 1000;
    expect(pick('a')).toBe(a);
    strategy.forget('a');
    expect(pick('a')).not.toBe(a);
    strategy.forget();
    expect(strategy.remembered).toBe(0);
  });

  it('sends keyless connections to the least loaded worker', () => {
    const strategy = new ConsistentHashStrategy();
    const workers = [
      view(0, { connections: 3 }),
      view(1, { connections: 1, pending: 1 }),
      view(2, { connections: 4 }),
    ];
    for (const worker of workers) strategy.join(worker);
    expect(strategy.pick({ key: 's' }, workers)?.id).toBe(1);
  });

  it('takes a custom key, and asks for the peer address unless told otherwise', () => {
    expect(new ConsistentHashStrategy().needsPeer).toBe(true);
    const strategy = new ConsistentHashStrategy({
      key: (connection) => String(connection.localPort),
      needsPeer: false,
    });
    expect(strategy.needsPeer).toBe(false);
    expect(strategy.selective).toBe(true);
    const workers = [view(0), view(1), view(2)];
    for (const worker of workers) strategy.join(worker);
    const picks = Array.from({ length: 20 }, (_, i) =>
      strategy.pick({ key: 's', localPort: 80, remoteAddress: address(i) }, workers),
    );
    expect(new Set(picks).size).toBe(1);
  });

  it('validates its options', () => {
    expect(() => new ConsistentHashStrategy({ epsilon: -1 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => new ConsistentHashStrategy({ epsilon: Number.NaN })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => new ConsistentHashStrategy({ virtualNodes: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => new ConsistentHashStrategy({ maxKeys: 1.5 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => new ConsistentHashStrategy({ key: 'ip' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(
      new ConsistentHashStrategy({ epsilon: Number.POSITIVE_INFINITY, maxKeys: Number.POSITIVE_INFINITY })
        .name,
    ).toBe('consistent-hash');
  });
});

describe('consistent-hash refusals', () => {
  it('moves a connection its key’s worker refused, even while that worker is not ready', () => {
    const handed: Array<[number, string]> = [];
    const dispatcher = new Dispatcher<string>({
      strategy: 'consistent-hash',
      handOff: (id, connection) => handed.push([id, connection]),
      close: () => {},
    });
    dispatcher.addWorker(1);
    dispatcher.route('c0', { key: 'server', routingKey: 'session-7' });
    dispatcher.setReady(1, false);
    dispatcher.addWorker(2);
    dispatcher.settle(1, 'c0', false);
    expect(handed).toEqual([
      [1, 'c0'],
      [2, 'c0'],
    ]);
    expect(dispatcher.queued).toBe(0);
  });
});
