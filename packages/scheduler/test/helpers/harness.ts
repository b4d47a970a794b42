// A dispatcher whose hand-offs and closes are recorded, and plain worker views for calling strategies directly.
import {
  type ConnectionInfo,
  Dispatcher,
  type Strategy,
  type StrategyFunction,
  type WorkerView,
} from '../../src/index.js';

/** A stand-in for a raw client handle. */
export interface Connection {
  readonly n: number;
}

export interface HandOffRecord {
  worker: number;
  connection: Connection;
  info: ConnectionInfo;
}

export interface Harness {
  dispatcher: Dispatcher<Connection>;
  handoffs: HandOffRecord[];
  closed: Connection[];
  /** Routes a new connection and returns it. */
  route(info?: Partial<ConnectionInfo>): Connection;
  /** The workers the hand-offs went to, in order. */
  targets(): number[];
  /** Routes a connection and accepts its hand-off at once; returns the worker or undefined if it was queued. */
  routeAccepted(info?: Partial<ConnectionInfo>): number | undefined;
}

export function createHarness(
  strategy: Strategy | StrategyFunction | string,
  options: { maxAttempts?: number } = {},
): Harness {
  const handoffs: HandOffRecord[] = [];
  const closed: Connection[] = [];
  const dispatcher = new Dispatcher<Connection>({
    strategy,
    handOff: (worker, connection, info) => handoffs.push({ worker, connection, info }),
    close: (connection) => closed.push(connection),
    ...options,
  });
  let next = 0;
  const route = (info: Partial<ConnectionInfo> = {}): Connection => {
    const connection = { n: next++ };
    dispatcher.route(connection, { key: 'server', ...info });
    return connection;
  };
  return {
    dispatcher,
    handoffs,
    closed,
    route,
    targets: () => handoffs.map((record) => record.worker),
    routeAccepted(info) {
      const before = handoffs.length;
      const connection = route(info);
      const record = handoffs[before];
      if (record === undefined || record.connection !== connection) return undefined;
      dispatcher.settle(record.worker, connection, true);
      return record.worker;
    },
  };
}

export type MutableView = { -readonly [K in keyof WorkerView]: WorkerView[K] };

/** A worker view for calling a strategy without a dispatcher. */
export function view(id: number, fields: Partial<MutableView> = {}): MutableView {
  return { id, slot: id, weight: 1, pending: 0, connections: 0, requests: 0, ready: true, ...fields };
}

/** A deterministic uniform random in [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function counts(values: readonly number[]): Map<number, number> {
  const result = new Map<number, number>();
  for (const value of values) result.set(value, (result.get(value) ?? 0) + 1);
  return result;
}
