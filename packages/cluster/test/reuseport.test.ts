// The reuseport strategy: one SO_REUSEPORT socket per worker, one shared port, nothing lost when a worker dies.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { greeting, ProcessFixture } from '../../../tools/test-support/index.js';
import { fixture } from './fixture-path.js';

function startReusePort(env: NodeJS.ProcessEnv = {}): ProcessFixture {
  return ProcessFixture.start(fixture('servers.mjs'), {
    env: {
      WORKERS: '2',
      HOST: '127.0.0.1',
      SERVER_KIND: 'net',
      NODE_CLUSTER_SCHED_POLICY: 'reuseport',
      ...env,
    },
  });
}

async function sharedPort(primary: ProcessFixture): Promise<number> {
  const listening = await primary.waitForCount('worker:listening', 2);
  const ports = new Set(listening.map((event) => (event.address as { port: number }).port));
  expect(ports.size).toBe(1);
  return [...ports][0] as number;
}

describe.skipIf(process.platform !== 'linux')('reuseport strategy', () => {
  it('gives every worker its own socket on one port chosen at listen(0), and the kernel spreads connections', async () => {
    const primary = startReusePort();
    expect((await primary.waitForEvent('cluster:setup')).strategy).toBe('reuseport');
    const port = await sharedPort(primary);
    const seen = new Set<string>();
    for (let i = 0; i < 100 && seen.size < 2; i++) seen.add(await greeting({ port }));
    expect(seen).toEqual(new Set(['worker 1', 'worker 2']));
  });

  it('reports EADDRINUSE when a process outside the cluster holds the port', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      const primary = startReusePort({ PORT: String(port), WORKERS: '1' });
      const error = await primary.waitForEvent('worker:error', { id: 1 });
      expect(error).toMatchObject({ code: 'EADDRINUSE', address: '127.0.0.1', port });
    } finally {
      blocker.close();
    }
  });

  it('serves the connections waiting in a killed worker’s socket instead of resetting them', async () => {
    const primary = startReusePort();
    const port = await sharedPort(primary);
    primary.send({ do: 'tell', id: 1, message: 'block' });
    await primary.waitForEvent('worker:blocking', { id: 1 });
    // Worker 1 accepts nothing now; the kernel still puts about half of these in its socket's queue.
    let answered = 0;
    const lines = Array.from({ length: 20 }, () =>
      greeting({ port }, { timeoutMs: 20_000 }).then((line) => {
        answered++;
        return line;
      }),
    );
    const served = Promise.all(lines);
    const before = answered;
    primary.send({ do: 'kill', id: 1, signal: 'SIGKILL' });
    await primary.waitForEvent('cluster:exit', { id: 1 });
    const all = await served;
    expect(all).toEqual(Array.from({ length: 20 }, () => 'worker 2'));
    expect(before).toBeLessThan(20);
  });
});
