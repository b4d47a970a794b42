// Random sequences of worker and connection events against a model: no connection is lost or duplicated,
// the queue holds only connections no worker can take, and each strategy's rule holds at every hand-off.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ConnectionInfo,
  ConsistentHashStrategy,
  Dispatcher,
  PowerOfTwoStrategy,
  resolveStrategy,
  type Strategy,
  type WorkerView,
} from '../src/index.js';
import { seededRandom } from './helpers/harness.js';

type Operation =
  | { kind: 'add'; weight: number; ready: boolean }
  | { kind: 'remove'; pick: number }
  | { kind: 'ready'; pick: number; ready: boolean }
  | { kind: 'route'; key: number }
  | { kind: 'settle'; pick: number; accepted: boolean }
  | { kind: 'closed'; pick: number }
  | { kind: 'load'; pick: number; connections: number; requests: number }
  | { kind: 'sync'; mode: 'off' | 'accept' | 'reject' }
  | { kind: 'drainAll' };

const pick = fc.nat(1000);
const operation: fc.Arbitrary<Operation> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('add'),
      weight: fc.integer({ min: 1, max: 3 }),
      ready: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove'), pick }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('ready'), pick, ready: fc.boolean() }) },
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('route'), key: fc.nat(30) }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('settle'), pick, accepted: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('closed'), pick }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('load'),
      pick,
      connections: fc.nat(12),
      requests: fc.nat(12),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('sync'), mode: fc.constantFrom('off', 'accept', 'reject') }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('drainAll') }) },
) as fc.Arbitrary<Operation>;

interface Connection {
  readonly n: number;
  readonly key: string;
}

type State =
  | { readonly at: 'queued' }
  | { readonly at: 'pending'; readonly worker: number }
  | { readonly at: 'accepted'; readonly worker: number }
  | { readonly at: 'closed' }
  | { readonly at: 'drained' };

type Rule = 'idle-only' | 'least-connections' | 'sticky' | 'first';

interface Case {
  name: string;
  rule: Rule;
  strategy: (seed: number) => Strategy;
  maxAttempts?: number;
}

const epsilon = 0.25;
const cases: Case[] = [
  { name: 'round-robin', rule: 'idle-only', strategy: () => resolveStrategy('round-robin') },
  {
    name: 'least-connections',
    rule: 'least-connections',
    strategy: () => resolveStrategy('least-connections'),
  },
  {
    name: 'power-of-two',
    rule: 'idle-only',
    strategy: (seed) => new PowerOfTwoStrategy({ random: seededRandom(seed) }),
  },
  {
    name: 'weighted-round-robin',
    rule: 'idle-only',
    strategy: () => resolveStrategy('weighted-round-robin'),
  },
  { name: 'consistent-hash', rule: 'sticky', strategy: () => new ConsistentHashStrategy({ epsilon }) },
  {
    name: 'a custom function',
    rule: 'first',
    strategy: () => resolveStrategy((_connection, workers) => workers[0]),
  },
  {
    name: 'round-robin with maxAttempts 2',
    rule: 'idle-only',
    strategy: () => resolveStrategy('rr'),
    maxAttempts: 2,
  },
];

function run(testCase: Case, seed: number, operations: readonly Operation[]): void {
  const maxAttempts = testCase.maxAttempts ?? Number.POSITIVE_INFINITY;
  const states = new Map<Connection, State>();
  const refusals = new Map<Connection, Set<number>>();
  const homes = new Map<string, number>();
  const workers: number[] = [];
  let nextId = 1;
  let nextConnection = 0;
  let sync: 'off' | 'accept' | 'reject' = 'off';

  const refusedBy = (connection: Connection): Set<number> => {
    let set = refusals.get(connection);
    if (set === undefined) {
      set = new Set();
      refusals.set(connection, set);
    }
    return set;
  };
  const inState = (at: State['at'], worker?: number): Connection[] =>
    [...states]
      .filter(
        ([, state]) =>
          state.at === at && (worker === undefined || ('worker' in state && state.worker === worker)),
      )
      .map(([connection]) => connection);
  const viewOf = (id: number): WorkerView => dispatcher.getWorker(id) as WorkerView;
  /** The workers `pick` would be offered for this connection. */
  const candidates = (connection: Connection): WorkerView[] =>
    workers.map(viewOf).filter((view) => view.ready && !refusedBy(connection).has(view.id));

  const checkHandOff = (worker: number, connection: Connection): void => {
    expect(states.get(connection)).toEqual({ at: 'queued' });
    expect(workers).toContain(worker);
    const chosen = viewOf(worker);
    expect(chosen.ready).toBe(true);
    expect(refusedBy(connection).has(worker)).toBe(false);
    expect(chosen.pending).toBe(inState('pending', worker).length + 1);
    const others = candidates(connection).filter((view) => view !== chosen);
    switch (testCase.rule) {
      case 'idle-only':
        expect(chosen.pending).toBe(1);
        break;
      case 'least-connections':
        expect(chosen.pending).toBe(1);
        for (const view of others) {
          if (view.pending === 0)
            expect(chosen.connections * view.weight).toBeLessThanOrEqual(view.connections * chosen.weight);
        }
        break;
      case 'sticky': {
        const home = homes.get(connection.key);
        if (home !== undefined && workers.includes(home) && !refusedBy(connection).has(home)) {
          expect(worker).toBe(home);
          break;
        }
        if (home === undefined || !workers.includes(home)) homes.set(connection.key, worker);
        // Bounded loads, as the strategy saw them (before this hand-off counted as pending).
        const offered = [chosen, ...others];
        const load = offered.reduce((sum, view) => sum + view.connections + view.pending, 0) - 1;
        const weight = offered.reduce((sum, view) => sum + view.weight, 0);
        const bound = Math.ceil((((1 + epsilon) * (load + 1)) / weight) * chosen.weight);
        expect(chosen.connections + chosen.pending - 1).toBeLessThan(bound);
        break;
      }
      case 'first':
        expect(chosen).toBe(candidates(connection)[0]);
        break;
    }
  };

  const settle = (worker: number, connection: Connection, accepted: boolean): void => {
    if (accepted) {
      states.set(connection, { at: 'accepted', worker });
    } else {
      refusedBy(connection).add(worker);
      states.set(connection, { at: 'queued' });
    }
    expect(dispatcher.settle(worker, connection, accepted)).toBe(true);
  };

  const dispatcher: Dispatcher<Connection> = new Dispatcher<Connection>({
    strategy: testCase.strategy(seed),
    maxAttempts,
    handOff(worker, connection, info: ConnectionInfo) {
      checkHandOff(worker, connection);
      expect(info.remoteAddress).toBe(connection.key);
      states.set(connection, { at: 'pending', worker });
      if (sync !== 'off') settle(worker, connection, sync === 'accept');
    },
    close(connection) {
      expect(states.get(connection)).toEqual({ at: 'queued' });
      const refused = refusedBy(connection);
      expect(refused.size >= maxAttempts || workers.every((id) => refused.has(id))).toBe(true);
      states.set(connection, { at: 'closed' });
    },
  });

  const checkState = (): void => {
    const queued = inState('queued');
    expect(dispatcher.queued).toBe(queued.length);
    expect(dispatcher.inFlight).toBe(inState('pending').length);
    expect(dispatcher.workers.map((view) => view.id)).toEqual(workers);
    for (const id of workers) {
      const pending = inState('pending', id);
      expect(new Set(dispatcher.pendingFor(id))).toEqual(new Set(pending));
      expect(viewOf(id).pending).toBe(pending.length);
      expect(viewOf(id).connections).toBeGreaterThanOrEqual(0);
    }
    // A connection waits only while no worker may take it under the strategy's rule.
    for (const connection of queued) {
      const refused = refusedBy(connection);
      if (refused.size > 0)
        expect(refused.size < maxAttempts && workers.some((id) => !refused.has(id))).toBe(true);
      const offered = candidates(connection);
      switch (testCase.rule) {
        case 'idle-only':
        case 'least-connections':
          for (const view of offered) expect(view.pending).toBeGreaterThan(0);
          break;
        case 'sticky': {
          if (offered.length === 0) break;
          const home = homes.get(connection.key) as number;
          expect(workers).toContain(home);
          expect(viewOf(home).ready).toBe(false);
          expect(refused.has(home)).toBe(false);
          break;
        }
        case 'first':
          expect(offered).toEqual([]);
          break;
      }
    }
  };

  for (const op of operations) {
    switch (op.kind) {
      case 'add': {
        const id = nextId++;
        workers.push(id);
        dispatcher.addWorker(id, { weight: op.weight, ready: op.ready });
        break;
      }
      case 'remove': {
        if (workers.length === 0) break;
        const id = workers[op.pick % workers.length] as number;
        for (const connection of inState('pending', id)) states.set(connection, { at: 'queued' });
        workers.splice(workers.indexOf(id), 1);
        expect(dispatcher.removeWorker(id)).toBe(true);
        break;
      }
      case 'ready': {
        if (workers.length === 0) break;
        expect(dispatcher.setReady(workers[op.pick % workers.length] as number, op.ready)).toBe(true);
        break;
      }
      case 'route': {
        const connection = { n: nextConnection++, key: `10.0.0.${op.key}` };
        states.set(connection, { at: 'queued' });
        dispatcher.route(connection, { key: 'server', remoteAddress: connection.key });
        break;
      }
      case 'settle': {
        const pending = inState('pending');
        if (pending.length === 0) break;
        const connection = pending[op.pick % pending.length] as Connection;
        settle((states.get(connection) as { worker: number }).worker, connection, op.accepted);
        break;
      }
      case 'closed': {
        if (workers.length === 0) break;
        expect(dispatcher.connectionClosed(workers[op.pick % workers.length] as number)).toBe(true);
        break;
      }
      case 'load': {
        if (workers.length === 0) break;
        const id = workers[op.pick % workers.length] as number;
        expect(dispatcher.reportLoad(id, { connections: op.connections, requests: op.requests })).toBe(true);
        break;
      }
      case 'sync':
        sync = op.mode;
        break;
      case 'drainAll': {
        const queued = inState('queued');
        const drained = dispatcher.drainAll();
        expect(new Set(drained)).toEqual(new Set(queued));
        expect(drained).toHaveLength(queued.length);
        for (const connection of drained) states.set(connection, { at: 'drained' });
        break;
      }
    }
    checkState();
  }

  // Every connection ever routed ends exactly once: accepted, closed, drained, or still queued or pending.
  expect(states.size).toBe(nextConnection);
  const drained = dispatcher.drainAll();
  expect(new Set(drained)).toEqual(new Set(inState('queued')));
  const pendingTotal = workers.reduce((sum, id) => sum + dispatcher.pendingFor(id).length, 0);
  expect(pendingTotal).toBe(inState('pending').length);
}

describe('Dispatcher properties', () => {
  for (const testCase of cases) {
    it(`accounts for every connection and keeps the rule of ${testCase.name}`, () => {
      fc.assert(
        fc.property(fc.integer(), fc.array(operation, { maxLength: 120 }), (seed, operations) => {
          run(testCase, seed, operations);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('drains the queue once workers are idle and ready', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...cases.filter((testCase) => testCase.rule !== 'sticky')),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 5 }),
        (testCase, connections, workerCount) => {
          const handedOff: number[] = [];
          const dispatcher: Dispatcher<number> = new Dispatcher<number>({
            strategy: testCase.strategy(1),
            handOff: (worker, connection) => {
              handedOff.push(connection);
              dispatcher.settle(worker, connection, true);
            },
            close: () => expect.unreachable(),
          });
          for (let n = 0; n < connections; n++) dispatcher.route(n, { key: 's', remoteAddress: `a${n}` });
          for (let id = 1; id <= workerCount; id++) dispatcher.addWorker(id, { ready: false });
          expect(dispatcher.queued).toBe(connections);
          dispatcher.setReady(workerCount, true);
          expect(dispatcher.queued).toBe(0);
          expect(handedOff).toEqual(Array.from({ length: connections }, (_, n) => n));
        },
      ),
      { numRuns: 100 },
    );
  });
});
