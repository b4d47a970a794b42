// @shoal/cluster under import and require, and its types against @types/node's cluster module.
import type { Cluster } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import cluster, { fork, isPrimary, SCHED_NONE, SCHED_RR, type ShoalCluster } from '@shoal/cluster';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ProcessFixture } from '../../../tools/test-support/index.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

describe('module formats', () => {
  it('gives the same cluster object to import and to require in one process', async () => {
    const script = [
      "import cluster from '@shoal/cluster';",
      "import { createRequire } from 'node:module';",
      "const required = createRequire(import.meta.url)('@shoal/cluster');",
      'console.log(JSON.stringify({ event: "loaded", same: required === cluster,',
      '  fork: typeof required.fork, isPrimary: required.isPrimary, name: cluster.constructor.name }));',
    ].join('\n');
    const run = ProcessFixture.start('--input-type=module', { cwd: packageDir, args: ['-e', script] });
    const loaded = await run.waitForEvent('loaded');
    expect(loaded).toMatchObject({ same: true, fork: 'function', isPrimary: true, name: 'ClusterPrimary' });
  });

  it('exports node:cluster’s members by name, as the built-in does', () => {
    expect(isPrimary).toBe(true);
    expect(fork).toBe(cluster.fork);
    expect([SCHED_NONE, SCHED_RR]).toEqual([1, 2]);
  });

  it('is typed as @types/node’s Cluster', () => {
    expectTypeOf(cluster).toMatchTypeOf<Cluster>();
    expectTypeOf<ShoalCluster['fork']>().toEqualTypeOf<Cluster['fork']>();
    expectTypeOf(cluster.strategy).toEqualTypeOf<string | undefined>();
  });
});
