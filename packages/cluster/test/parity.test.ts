// Runs the same scenario on node:cluster and on Shoal and compares what a program can observe.
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
