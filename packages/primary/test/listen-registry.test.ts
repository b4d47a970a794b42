// ListenRegistry with fake workers on real sockets on 127.0.0.1: one handle per key, replies, forgetting failed
// binds, closing keys, per-key load and the inspection snapshot.
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type Distribution, roundRobin } from '../src/distribution.js';
import { ListenRegistry } from '../src/listen-registry.js';
import {
  closeServer,
  connectAndWaitForEnd,
  FakeMember,
  holdPort,
  recordingStrategy,
  tcpQuery,
} from './fakes.js';

interface Reply {
  fields: Record<string, unknown>;
  handle: unknown;
}

/** A `reply` callback recording each reply; `next()` resolves with the next one not yet taken. */
function replies(): {
  reply: (fields: Record<string, unknown>, handle?: unknown) => void;
  next(): Promise<Reply>;
  all: Reply[];
} {
  const all: Reply[] = [];
  let waiting: ((reply: Reply) => void) | undefined;
  let taken = 0;
  return {
    all,
    reply(fields, handle) {
      all.push({ fields, handle });
      waiting?.(all[taken++] as Reply);
      waiting = undefined;
    },
    next() {
      if (taken < all.length) return Promise.resolve(all[taken++] as Reply);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no reply within 5 s')), 5_000);
        waiting = (reply) => {
          clearTimeout(timer);
          resolve(reply);
        };
      });
    },
  };
}

const shared: Distribution = { kind: 'shared', name: 'shared', needsLoad: false, readsHead: false };
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function registryWith(distribution: Distribution, members: FakeMember[]): ListenRegistry {
  const registry = new ListenRegistry();
  registry.distribution = distribution;
  cleanups.push(() => {
    for (const member of members) registry.removeMember(member);
  });
  return registry;
}

describe('ListenRegistry', () => {
  it('serves the workers of one address from one round-robin handle and closes it with the last', async () => {
    const a = new FakeMember(1);
    const b = new FakeMember(2);
    const registry = registryWith(roundRobin(), [a, b]);
    const fromA = replies();
    expect(registry.query(a, { ...tcpQuery(0), data: { ticket: 'a' } }, fromA.reply)).toBeUndefined();
    const first = await fromA.next();
    expect(first.fields).toMatchObject({ errno: null, data: { ticket: 'a' } });
    const key = first.fields.key as string;
    const port = (first.fields.sockname as { port: number }).port;
    expect(port).toBeGreaterThan(0);
    expect(first.handle).toBeUndefined();

    // The same worker asking for any port again under the same index gets a socket of its own.
    registry.query(a, tcpQuery(0), fromA.reply);
    const again = (await fromA.next()).fields;
    expect(again).toMatchObject({ errno: null, key: `${key}/1` });
    expect((again.sockname as { port: number }).port).not.toBe(port);
    registry.close(a, `${key}/1`);
    expect(registry.keysOf(1)).toEqual([key]);

    const fromB = replies();
    registry.query(b, { ...tcpQuery(0), data: { ticket: 'b' } }, fromB.reply);
    // The first worker's server data (TLS ticket keys) goes to every later one.
    expect((await fromB.next()).fields).toMatchObject({
      errno: null,
      key,
      data: { ticket: 'a' },
      sockname: { port },
    });
    expect(registry.keysOf(1)).toEqual([key]);
    expect(registry.keysOf(3)).toEqual([]);
    expect(registry.snapshot()).toEqual([
      {
        key,
        kind: 'round-robin',
        strategy: 'round-robin',
        address: { address: '127.0.0.1', port },
        workers: [1, 2],
        queued: 0,
        inFlight: 0,
        handedOut: 0,
        accepted: 0,
        refused: 0,
        rerouted: 0,
        closedUnserved: 0,
        sockets: 1,
        orphans: 0,
      },
    ]);

    expect(await connectAndWaitForEnd(port)).toBe('closed'); // a fake worker accepted; the primary closed its copy
    expect(a.offers.length + b.offers.length).toBe(1);

    registry.close(a, key);
    expect(registry.snapshot()[0]?.workers).toEqual([2]);
    registry.removeMember(b);
    expect(registry.snapshot()).toEqual([]);
    expect(await connectAndWaitForEnd(port)).toBe('ECONNREFUSED');
  });

  it('refuses a second listen of one worker on one fixed port with EADDRINUSE, as a second bind would be', async () => {
    const a = new FakeMember(1);
    const registry = registryWith(roundRobin(), [a]);
    const freed = await holdPort();
    await closeServer(freed.server);
    const fromA = replies();
    registry.query(a, tcpQuery(freed.port), fromA.reply);
    const first = await fromA.next();
    expect(first.fields).toMatchObject({ errno: null, sockname: { port: freed.port } });
    registry.query(a, tcpQuery(freed.port), fromA.reply);
    expect((await fromA.next()).fields).toEqual({
      errno: -constants.errno.EADDRINUSE,
      key: first.fields.key,
      data: null,
    });
    expect(registry.snapshot()).toMatchObject([{ workers: [1], sockets: 1 }]);
  });

  it('forgets a failed bind, so that the next listen on the key tries again', async () => {
    const a = new FakeMember(1);
    const registry = registryWith(shared, [a]);
    const held = await holdPort();
    cleanups.push(() => closeServer(held.server));
    const fromA = replies();
    registry.query(a, tcpQuery(held.port), fromA.reply);
    const failed = await fromA.next();
    expect(failed.fields).toMatchObject({ errno: -constants.errno.EADDRINUSE, data: null });
    expect(failed.handle).toBeUndefined();
    expect(registry.snapshot()).toEqual([]);
    expect(registry.keysOf(1)).toEqual([]);

    await closeServer(held.server);
    registry.query(a, tcpQuery(held.port), fromA.reply);
    const bound = await fromA.next();
    expect(bound.fields).toMatchObject({ errno: 0 });
    expect(bound.handle).toBeTypeOf('object');
    expect(registry.snapshot()).toMatchObject([
      {
        kind: 'shared',
        strategy: undefined,
        address: { address: '127.0.0.1', port: held.port },
        workers: [1],
        sockets: 1,
      },
    ]);
  });

  it('forgets a failed round-robin bind once every waiting worker was answered', async () => {
    const a = new FakeMember(1);
    const b = new FakeMember(2);
    const registry = registryWith(roundRobin(), [a, b]);
    const held = await holdPort();
    cleanups.push(() => closeServer(held.server));
    const fromA = replies();
    const fromB = replies();
    registry.query(a, tcpQuery(held.port), fromA.reply);
    registry.query(b, tcpQuery(held.port), fromB.reply);
    expect(registry.snapshot()).toMatchObject([{ kind: 'round-robin', workers: [1, 2] }]);
    const [failedA, failedB] = await Promise.all([fromA.next(), fromB.next()]);
    expect(failedA.fields.errno).toBe(-constants.errno.EADDRINUSE);
    expect(failedB.fields.errno).toBe(-constants.errno.EADDRINUSE);
    expect(registry.snapshot()).toEqual([]);

    await closeServer(held.server);
    registry.query(a, tcpQuery(held.port), fromA.reply);
    expect((await fromA.next()).fields).toMatchObject({ errno: null, sockname: { port: held.port } });
  });

  it('refuses a listen no socket can serve with EINVAL and returns the error', () => {
    const a = new FakeMember(1);
    const registry = registryWith(roundRobin(), [a]);
    const fromA = replies();
    const error = registry.query(a, tcpQuery(70_000), fromA.reply);
    expect(error).toMatchObject({ code: 'ERR_SOCKET_BAD_PORT' });
    expect(fromA.all).toHaveLength(1);
    expect(fromA.all[0]?.fields).toMatchObject({ errno: -constants.errno.EINVAL, data: null });
    expect(registry.snapshot()).toEqual([]);
  });

  it('gives each key its worker’s load on that key’s server', async () => {
    const strategy = recordingStrategy();
    const distribution: Distribution = {
      kind: 'round-robin',
      name: 'recording',
      needsLoad: true,
      readsHead: false,
      strategy: () => strategy,
    };
    const a = new FakeMember(1);
    const registry = registryWith(distribution, [a]);
    const fromA = replies();
    registry.query(a, tcpQuery(0), fromA.reply);
    const port = ((await fromA.next()).fields.sockname as { port: number }).port;
    expect(registry.snapshot()[0]?.strategy).toBe('recording');

    registry.reportLoad(1, {
      connections: 9,
      requests: 3,
      servers: [
        { address: '127.0.0.1', port: port === 1 ? 2 : port - 1, connections: 5, requests: 2 },
        { address: '127.0.0.1', port, connections: 4, requests: 1 },
      ],
    });
    registry.reportLoad(1, { connections: 7, requests: 2 });
    registry.reportLoad(1, { connections: 7, requests: 2, servers: [] });
    expect(strategy.loads).toEqual([
      { id: 1, connections: 4, requests: 1 },
      { id: 1, connections: 7, requests: 2 },
      { id: 1, connections: 0, requests: 0 },
    ]);
  });

  it('matches a pipe key’s load by the path the worker listened on, even when the primary binds a shorter one', async () => {
    // Under the working directory, so that the primary binds the shorter relative form of the path.
    const absolute = fileURLToPath(new URL(`./.shoal-registry-${process.pid}.sock`, import.meta.url));
    const strategy = recordingStrategy();
    const distribution: Distribution = {
      kind: 'round-robin',
      name: 'recording',
      needsLoad: true,
      readsHead: false,
      strategy: () => strategy,
    };
    const a = new FakeMember(1);
    const registry = registryWith(distribution, [a]);
    const fromA = replies();
    registry.query(a, { ...tcpQuery(-1, absolute), addressType: -1 }, fromA.reply);
    expect((await fromA.next()).fields).toMatchObject({ errno: null });
    // What the worker's server.address() gives, and so what its load report names.
    registry.reportLoad(1, {
      connections: 3,
      requests: 1,
      servers: [{ path: absolute, connections: 2, requests: 1 }],
    });
    expect(strategy.loads).toEqual([{ id: 1, connections: 2, requests: 1 }]);
    expect(registry.snapshot()[0]?.address).toEqual({ path: absolute });
  });
});
