// Runs the same scenario on node:cluster and on Shoal and compares what a program can observe.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { ProcessFixture } from '../../../tools/test-support/index.js';
import { fixture } from './fixture-path.js';

type Observed = Array<{ event: string; id?: unknown; workers?: unknown; code?: unknown; signal?: unknown }>;

/** One worker's life: started, one disconnect() from the primary, one SIGKILL; the events in order. */
async function observe(clusterModule: string): Promise<Observed> {
  const primary = ProcessFixture.start(fixture('lifecycle.mjs'), {
    env: { WORKERS: '2', CLUSTER_MODULE: clusterModule },
  });
  await primary.waitForCount('cluster:listening', 2);
  primary.send({ do: 'disconnect', id: 1 });
  await primary.waitForEvent('cluster:exit', { id: 1 });
  primary.send({ do: 'kill', id: 2, signal: 'SIGKILL' });
  await primary.waitForEvent('cluster:exit', { id: 2 });
  await primary.kill();
  // Workers start concurrently, so compare each worker's own sequence, not the interleaving.
  return primary.events
    .filter(
      (event) =>
        event.event.startsWith('cluster:') ||
        event.event.startsWith('worker:') ||
        event.event === 'done:disconnect',
    )
    .filter((event) => event.event !== 'worker:serving' && typeof event.id === 'number')
    .map(({ event, id, workers, code, signal }) => ({ event, id, workers, code, signal }))
    .sort((a, b) => Number(a.id) - Number(b.id));
}

describe('parity with node:cluster', () => {
  it('emits the same events, in the same order per worker, with the same cluster.workers contents', async () => {
    const node = await observe('node:cluster');
    const shoal = await observe('@shoal/cluster');
    expect(shoal).toEqual(node);
  });
});

/** What a worker's server reports when its port is taken, under one cluster module and policy. */
async function listenError(
  clusterModule: string,
  policy: string,
  port: number,
): Promise<Record<string, unknown>> {
  const primary = ProcessFixture.start(fixture('servers.mjs'), {
    env: {
      CLUSTER_MODULE: clusterModule,
      NODE_CLUSTER_SCHED_POLICY: policy,
      SERVER_KIND: 'net',
      HOST: '127.0.0.1',
      PORT: String(port),
      WORKERS: '1',
    },
  });
  const { event, pid, id, ...error } = await primary.waitForEvent('worker:error', { id: 1 });
  await primary.kill();
  return error;
}

describe.each(['rr', 'none'])('parity of listen errors (NODE_CLUSTER_SCHED_POLICY=%s)', (policy) => {
  it('reports a taken port with the same code, errno, syscall, address, port and message', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      const node = await listenError('node:cluster', policy, port);
      const shoal = await listenError('@shoal/cluster', policy, port);
      expect(node.code).toBe('EADDRINUSE');
      expect(shoal).toEqual(node);
    } finally {
      blocker.close();
    }
  });
});
