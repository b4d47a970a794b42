// Defects found trying Shoal as a user, each pinned by a test: dgram bind() without a port, a listen that failed
// with EADDRINUSE blocking every later one, and reuseport's IPv6 reach and orphaned sockets after replacements.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { datagram, greeting } from '../../../tools/test-support/index.js';
import { inspect, observed } from './observed.js';

async function holdPort(host?: string): Promise<net.Server> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return server;
}

describe.each([
  ['round-robin', 'rr'],
  ['shared handle', 'none'],
])('%s mode', (_mode, policy) => {
  it('binds dgram sockets that name no port (bind(cb), bind({ address }), bind({})) on ports of their own', async () => {
    const primary = observed({ NODE_CLUSTER_SCHED_POLICY: policy, WORKER_MODE: 'udp-no-port', WORKERS: '2' });
    const bound = await primary.waitForCount('worker:bound', 6);
    expect(primary.named('worker:error')).toEqual([]);
    const portsOf = (id: number): number[] =>
      bound.filter((event) => event.id === id).map((event) => event.port as number);
    // Each of a worker's three sockets has a port of its own; the workers share them, as with listen(0).
    expect(new Set(portsOf(1)).size).toBe(3);
    expect(portsOf(2).sort()).toEqual(portsOf(1).sort());
    for (const port of portsOf(1)) {
      expect(port).toBeGreaterThan(0);
      expect(await datagram(port, 'ping')).toMatch(/^worker [12]: ping$/);
    }
  });

  it('lets a worker listen on a port once it is free again after EADDRINUSE', async () => {
    const blocker = await holdPort();
    const { port } = blocker.address() as net.AddressInfo;
    let released = false;
    try {
      const primary = observed({
        NODE_CLUSTER_SCHED_POLICY: policy,
        WORKERS: '1',
        PORTS: String(port),
        HOST: '',
      });
      expect(await primary.waitForEvent('worker:error', { id: 1 })).toMatchObject({ code: 'EADDRINUSE' });
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
      released = true;
      primary.send({ do: 'tell', id: 1, message: { retry: port } });
      await primary.waitForEvent('worker:listening', { id: 1, port });
      expect(await greeting({ port })).toBe('worker 1');
      // The failed listen left nothing behind in the primary: one key, served by worker 1.
      const snapshot = await inspect(primary);
      expect(snapshot.keys.map((key) => key.workers)).toEqual([[1]]);
    } finally {
      if (!released) blocker.close();
    }
  });
});

describe.skipIf(process.platform !== 'linux')('reuseport strategy', () => {
  it('listens dual-stack when no host is given: IPv4 and IPv6 clients both reach it', async () => {
    const primary = observed({ NODE_CLUSTER_SCHED_POLICY: 'reuseport', HOST: '', WORKERS: '1' });
    const { port } = await primary.waitForEvent('worker:listening', { id: 1 });
    expect(await greeting({ port: port as number, host: '127.0.0.1' })).toBe('worker 1');
    expect(await greeting({ port: port as number, host: '::1' })).toBe('worker 1');
  });

  it('gives an orphaned socket to the replacement: N sockets after replacements, the primary out of the data path', async () => {
    const primary = observed({ NODE_CLUSTER_SCHED_POLICY: 'reuseport', RESPAWN: '1', TRACE_CHANNELS: '1' });
    const [first] = await primary.waitForCount('worker:listening', 2);
    const port = first?.port as number;
    for (let round = 0; round < 4; round++) {
      const victim = (await inspect(primary)).workers[0]?.id as number;
      primary.send({ do: 'kill', id: victim });
      await primary.waitForEvent('cluster:exit', { id: victim });
      // The replacement listens on the orphan it was given.
      await primary.waitForCount('worker:listening', 3 + round);
    }
    const snapshot = await inspect(primary);
    expect(snapshot.keys).toHaveLength(1);
    expect(snapshot.keys[0]).toMatchObject({ kind: 'reuseport', sockets: 2, orphans: 0 });
    const throughPrimary = primary.named('channel:handoff').length;
    const served = new Set<string>();
    for (let i = 0; i < 300; i++) served.add(await greeting({ port }));
    expect(served.size).toBe(2);
    await inspect(primary);
    // Every one of the 300 went straight to a worker's own socket.
    expect(primary.named('channel:handoff').length - throughPrimary).toBe(0);
  }, 60_000);
});
