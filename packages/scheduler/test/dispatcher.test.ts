import { describe, expect, it, vi } from 'vitest';
import {
  type ConnectionInfo,
  Dispatcher,
  InvalidPickError,
  ShoalSchedulerError,
  type Strategy,
  WorkerExistsError,
  type WorkerView,
} from '../src/index.js';
import { type Connection, createHarness } from './helpers/harness.js';

const noop = (): void => {};

describe('Dispatcher: construction and workers', () => {
  it('validates its options as Node does', () => {
    const make = (options: unknown) => () => new Dispatcher(options as never);
    expect(make(undefined)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE', name: 'TypeError' }),
    );
    expect(make({ strategy: 'rr', close: noop })).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_ARG_TYPE',
        message: 'The "options.handOff" property must be of type function. Received undefined',
      }),
    );
    expect(make({ strategy: 'rr', handOff: noop, close: 1 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(make({ strategy: 'rr', handOff: noop, close: noop, maxAttempts: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE', name: 'RangeError' }),
    );
    expect(make({ strategy: 'fastest', handOff: noop, close: noop })).toThrow(
      expect.objectContaining({ code: 'SHOAL_ERR_UNKNOWN_STRATEGY' }),
    );
    expect(make({ strategy: 'shared', handOff: noop, close: noop })).toThrow(
      expect.objectContaining({ code: 'SHOAL_ERR_SHARED_STRATEGY' }),
    );
    expect(new Dispatcher({ strategy: 2, handOff: noop, close: noop }).strategy.name).toBe('round-robin');
  });

  it('adds workers with weights, readiness and reused slots', () => {
    const { dispatcher } = createHarness('round-robin');
    dispatcher.addWorker(4, { weight: 3 });
    dispatcher.addWorker(7, { ready: false });
    dispatcher.addWorker(9);
    expect(dispatcher.workers.map(({ id, slot, weight, ready }) => ({ id, slot, weight, ready }))).toEqual([
      { id: 4, slot: 0, weight: 3, ready: true },
      { id: 7, slot: 1, weight: 1, ready: false },
      { id: 9, slot: 2, weight: 1, ready: true },
    ]);
    expect(dispatcher.removeWorker(4)).toBe(true);
    expect(dispatcher.removeWorker(4)).toBe(false);
    dispatcher.addWorker(12);
    expect(dispatcher.getWorker(12)?.slot).toBe(0);
    expect(dispatcher.workers.map((worker) => worker.id)).toEqual([7, 9, 12]);
  });

  it('rejects a duplicate id and invalid arguments', () => {
    const { dispatcher } = createHarness('round-robin');
    dispatcher.addWorker(1);
    const duplicate = (() => {
      try {
        dispatcher.addWorker(1);
      } catch (error) {
        return error;
      }
    })();
    expect(duplicate).toBeInstanceOf(WorkerExistsError);
    expect(duplicate).toBeInstanceOf(ShoalSchedulerError);
    expect(duplicate).toMatchObject({ code: 'SHOAL_ERR_WORKER_EXISTS', workerId: 1 });
    expect(() => dispatcher.addWorker('2' as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => dispatcher.addWorker(2.5)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => dispatcher.addWorker(2, { weight: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => dispatcher.addWorker(2, { ready: 'yes' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => dispatcher.setReady(1, 1 as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => dispatcher.reportLoad(1, { connections: -1, requests: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => dispatcher.reportLoad(1, null as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(dispatcher.workers).toHaveLength(1);
  });

  it('answers false for workers it does not know', () => {
    const { dispatcher } = createHarness('round-robin');
    expect(dispatcher.setReady(5, true)).toBe(false);
    expect(dispatcher.connectionClosed(5)).toBe(false);
    expect(dispatcher.reportLoad(5, { connections: 1, requests: 1 })).toBe(false);
    expect(dispatcher.settle(5, { n: 0 }, true)).toBe(false);
    expect(dispatcher.pendingFor(5)).toEqual([]);
    expect(dispatcher.getWorker(5)).toBeUndefined();
  });
});

describe('Dispatcher: routing', () => {
  it('queues connections while no worker can take them, and drains them in order', () => {
    const { dispatcher, route, handoffs } = createHarness('round-robin');
    const connections = [route(), route(), route()];
    expect(dispatcher.queued).toBe(3);
    dispatcher.addWorker(1, { ready: false });
    expect(handoffs).toHaveLength(0);
    dispatcher.setReady(1, true);
    expect(handoffs.map((record) => record.connection)).toEqual([connections[0]]);
    dispatcher.addWorker(2);
    dispatcher.settle(1, connections[0] as Connection, true);
    expect(handoffs.map((record) => [record.worker, record.connection])).toEqual([
      [1, connections[0]],
      [2, connections[1]],
      [1, connections[2]],
    ]);
    expect(dispatcher.queued).toBe(0);
    expect(dispatcher.inFlight).toBe(2);
    expect(dispatcher.pendingFor(1)).toEqual([connections[2]]);
  });

  it('passes the connection info through to handOff and to the strategy', () => {
    const pick = vi.fn((_connection: ConnectionInfo, workers: readonly WorkerView[]) => workers[0]);
    const handOff = vi.fn();
    const dispatcher = new Dispatcher<string>({ strategy: pick, handOff, close: noop });
    dispatcher.addWorker(1);
    const info = { key: 's', remoteAddress: '::1', remotePort: 4000, localPort: 80 };
    dispatcher.route('c', info);
    expect(pick).toHaveBeenCalledWith(info, [dispatcher.getWorker(1)]);
    expect(handOff).toHaveBeenCalledWith(1, 'c', info);
  });

  it('counts an accepted hand-off as a live connection', () => {
    const { dispatcher, route } = createHarness('round-robin');
    dispatcher.addWorker(1);
    const connection = route();
    expect(dispatcher.getWorker(1)).toMatchObject({ pending: 1, connections: 0 });
    expect(dispatcher.settle(1, connection, true)).toBe(true);
    expect(dispatcher.getWorker(1)).toMatchObject({ pending: 0, connections: 1 });
    expect(dispatcher.settle(1, connection, true)).toBe(false);
    dispatcher.reportLoad(1, { connections: 7, requests: 3 });
    expect(dispatcher.getWorker(1)).toMatchObject({ connections: 7, requests: 3 });
    dispatcher.connectionClosed(1);
    expect(dispatcher.getWorker(1)?.connections).toBe(6);
  });

  it('re-routes a refused connection to another worker, ahead of the queue', () => {
    const { dispatcher, route, handoffs, closed } = createHarness('round-robin');
    dispatcher.addWorker(1);
    dispatcher.addWorker(2);
    const a = route();
    const b = route();
    const c = route();
    expect(dispatcher.queued).toBe(1);
    dispatcher.settle(2, b, true);
    expect(handoffs.at(-1)).toMatchObject({ worker: 2, connection: c });
    dispatcher.settle(2, c, true);
    const d = route();
    expect(handoffs.at(-1)).toMatchObject({ worker: 2, connection: d });
    const e = route();
    expect(dispatcher.queued).toBe(1);
    // 1 refuses a: a waits for 2, while e, which only waits for any worker, takes 1.
    dispatcher.settle(1, a, false);
    expect(dispatcher.queued).toBe(1);
    expect(handoffs.at(-1)).toMatchObject({ worker: 1, connection: e });
    dispatcher.settle(2, d, true);
    expect(handoffs.at(-1)).toMatchObject({ worker: 2, connection: a });
    expect(closed).toEqual([]);
  });

  it('closes a connection once every current worker refused it', () => {
    const { dispatcher, route, handoffs, closed } = createHarness('round-robin');
    for (const id of [1, 2, 3]) dispatcher.addWorker(id);
    const connection = route();
    dispatcher.settle(1, connection, false);
    dispatcher.settle(2, connection, false);
    expect(handoffs.map((record) => record.worker)).toEqual([1, 2, 3]);
    dispatcher.settle(3, connection, false);
    expect(closed).toEqual([connection]);
    expect(dispatcher.queued + dispatcher.inFlight).toBe(0);
  });

  it('closes a connection after maxAttempts refusals', () => {
    const { dispatcher, route, closed } = createHarness('round-robin', { maxAttempts: 2 });
    for (const id of [1, 2, 3]) dispatcher.addWorker(id);
    const connection = route();
    dispatcher.settle(1, connection, false);
    dispatcher.settle(2, connection, false);
    expect(closed).toEqual([connection]);
  });

  it('does not let a refused connection waiting for a busy worker hold up the others', () => {
    const { dispatcher, route, handoffs } = createHarness('round-robin');
    dispatcher.addWorker(1);
    dispatcher.addWorker(2);
    const a = route();
    const b = route();
    dispatcher.settle(1, a, false); // a may only go to 2, which is busy with b
    expect(dispatcher.queued).toBe(1);
    const c = route();
    expect(handoffs.at(-1)).toMatchObject({ worker: 1, connection: c });
    dispatcher.settle(2, b, true);
    expect(handoffs.at(-1)).toMatchObject({ worker: 2, connection: a });
  });

  it('keeps strict FIFO order for a strategy that is not selective', () => {
    let allow = false;
    const { dispatcher, route, handoffs } = createHarness({
      name: 'gate',
      pick: (_connection, workers) => (allow ? workers[0] : undefined),
    });
    dispatcher.addWorker(1);
    const connections = [route(), route(), route()];
    expect(dispatcher.queued).toBe(3);
    allow = true;
    dispatcher.reportLoad(1, { connections: 0, requests: 0 });
    expect(handoffs.map((record) => record.connection)).toEqual(connections);
  });

  it('drains past a queued connection for a selective strategy', () => {
    const { dispatcher, route, handoffs } = createHarness({
      name: 'by-port',
      selective: true,
      pick: (connection, workers) => workers.find((worker) => worker.id === connection.localPort),
    });
    dispatcher.addWorker(1);
    const waiting = route({ localPort: 2 });
    const passing = route({ localPort: 1 });
    expect(handoffs.map((record) => record.connection)).toEqual([passing]);
    dispatcher.addWorker(2);
    expect(handoffs.map((record) => record.connection)).toEqual([passing, waiting]);
  });

  it('takes null from a JavaScript strategy as "queue"', () => {
    const { dispatcher, route } = createHarness((_connection) => null as never);
    dispatcher.addWorker(1);
    route();
    expect(dispatcher.queued).toBe(1);
  });

  it('throws InvalidPickError for a worker that was not offered, keeping the connection queued', () => {
    const stranger: WorkerView = {
      id: 1,
      slot: 0,
      weight: 1,
      pending: 0,
      connections: 0,
      requests: 0,
      ready: true,
    };
    const { dispatcher, route } = createHarness({ name: 'liar', pick: () => stranger });
    dispatcher.addWorker(1);
    expect(() => route()).toThrow(InvalidPickError);
    expect(dispatcher.queued).toBe(1);
    let refusedPicked = false;
    const { dispatcher: second, route: routeSecond } = createHarness({
      name: 'stubborn',
      pick: (_connection, workers) => {
        if (refusedPicked) return second.getWorker(1);
        return workers[0];
      },
    });
    second.addWorker(1);
    second.addWorker(2);
    const connection = routeSecond();
    refusedPicked = true;
    expect(() => second.settle(1, connection, false)).toThrow(
      expect.objectContaining({ code: 'SHOAL_ERR_INVALID_PICK', strategy: 'stubborn' }),
    );
    expect(second.queued).toBe(1);
  });

  it('lets a strategy error through, keeping the connection queued', () => {
    const { dispatcher, route } = createHarness((_connection) => {
      throw new Error('boom');
    });
    dispatcher.addWorker(1);
    expect(() => route()).toThrow('boom');
    expect(dispatcher.drainAll()).toHaveLength(1);
  });

  it('survives callbacks that call back into it', () => {
    const handoffs: [number, number][] = [];
    const closed: number[] = [];
    const dispatcher: Dispatcher<number> = new Dispatcher<number>({
      strategy: 'round-robin',
      handOff: (worker, connection) => {
        handoffs.push([worker, connection]);
        // Worker 1 refuses at once; the others accept at once.
        dispatcher.settle(worker, connection, worker !== 1);
      },
      close: (connection) => closed.push(connection),
    });
    dispatcher.addWorker(1);
    for (let n = 0; n < 3; n++) dispatcher.route(n, { key: 's' });
    expect(closed).toEqual([0, 1, 2]);
    dispatcher.addWorker(2);
    dispatcher.route(3, { key: 's' });
    dispatcher.route(4, { key: 's' });
    expect(handoffs.slice(3)).toEqual([
      [2, 3],
      [1, 4],
      [2, 4],
    ]);
    expect(dispatcher.getWorker(2)?.connections).toBe(2);
    expect(dispatcher.queued + dispatcher.inFlight).toBe(0);
  });

  it('keeps a hand-off whose handOff threw pending', () => {
    const dispatcher = new Dispatcher<number>({
      strategy: 'round-robin',
      handOff: () => {
        throw new Error('channel closed');
      },
      close: noop,
    });
    dispatcher.addWorker(1);
    expect(() => dispatcher.route(1, { key: 's' })).toThrow('channel closed');
    expect(dispatcher.pendingFor(1)).toEqual([1]);
  });
});

describe('Dispatcher: workers leaving', () => {
  it('re-routes the unanswered hand-offs of a removed worker, in order, never dropping them', () => {
    const { dispatcher, route, handoffs, closed } = createHarness('least-connections');
    dispatcher.addWorker(1);
    const connections = [route()];
    dispatcher.settle(1, connections[0] as Connection, true);
    dispatcher.addWorker(2, { ready: false });
    const [a, b] = [route(), route()];
    expect(dispatcher.pendingFor(1)).toEqual([a]);
    expect(dispatcher.queued).toBe(1);
    dispatcher.removeWorker(1);
    expect(dispatcher.queued).toBe(2);
    expect(closed).toEqual([]);
    dispatcher.setReady(2, true);
    expect(handoffs.at(-1)).toMatchObject({ worker: 2, connection: a });
    dispatcher.settle(2, a, true);
    expect(handoffs.at(-1)).toMatchObject({ worker: 2, connection: b });
  });

  it('closes a queued connection every remaining worker refused', () => {
    const { dispatcher, route, closed } = createHarness('round-robin');
    dispatcher.addWorker(1);
    dispatcher.addWorker(2);
    const a = route();
    const b = route();
    dispatcher.settle(1, a, false);
    expect(dispatcher.queued).toBe(1);
    dispatcher.removeWorker(2); // b goes back to the queue; a was refused by 1, the only worker left
    expect(closed).toEqual([a]);
    expect(dispatcher.pendingFor(1)).toEqual([b]);
  });

  it('hands every queued connection back with drainAll', () => {
    const { dispatcher, route } = createHarness('round-robin');
    const connections = [route(), route()];
    expect(dispatcher.drainAll()).toEqual(connections);
    expect(dispatcher.queued).toBe(0);
    expect(dispatcher.drainAll()).toEqual([]);
  });
});

describe('Dispatcher: strategy hooks', () => {
  it('tells the strategy about joins, leaves, readiness, answers, closes and load reports', () => {
    const events: string[] = [];
    const strategy: Strategy = {
      name: 'spy',
      pick: (_connection, workers) => workers[0],
      join: (worker) => events.push(`join ${worker.id}`),
      leave: (worker) => events.push(`leave ${worker.id}`),
      readyChanged: (worker) => events.push(`ready ${worker.id} ${worker.ready}`),
      settled: (worker, connection, accepted) =>
        events.push(`settled ${worker.id} ${connection.key} ${accepted}`),
      connectionClosed: (worker) => events.push(`closed ${worker.id} ${worker.connections}`),
      loadReported: (worker) => events.push(`load ${worker.id} ${worker.requests}`),
    };
    const { dispatcher, route } = createHarness(strategy);
    dispatcher.addWorker(1);
    dispatcher.addWorker(2, { ready: false });
    dispatcher.setReady(2, false);
    dispatcher.setReady(2, true);
    const connection = route();
    dispatcher.settle(1, connection, false);
    dispatcher.settle(2, connection, true);
    dispatcher.connectionClosed(2);
    dispatcher.reportLoad(1, { connections: 0, requests: 4 });
    dispatcher.removeWorker(1);
    expect(events).toEqual([
      'join 1',
      'join 2',
      'ready 2 true',
      'settled 1 server false',
      'settled 2 server true',
      'closed 2 0',
      'load 1 4',
      'leave 1',
    ]);
  });
});
