// The facade's types as a user writes against them: Shoal's settings, the Worker class, Shoal's events.
import type { Worker as NodeWorker } from 'node:cluster';
import cluster, { type ShoalCluster, Worker } from '@shoal/cluster';
import type { ClusterSnapshot } from '@shoal/primary';
import type { LoadReport } from '@shoal/protocol';
import { describe, expect, expectTypeOf, it } from 'vitest';

describe('types', () => {
  it('accepts Shoal’s settings in setupPrimary, and rejects what is not a setting value', () => {
    const setup = (): void => {
      cluster.setupPrimary({ strategy: 'least-connections', workerRuntime: true, weightOf: () => 2 });
      cluster.setupPrimary({ exec: 'app.js', strategy: { name: 'mine', pick: (_c, workers) => workers[0] } });
      // @ts-expect-error workerRuntime is a boolean
      cluster.setupPrimary({ workerRuntime: 'yes' });
    };
    expectTypeOf(setup).toBeFunction();
  });

  it('exports Worker as the class: instanceof compiles and holds for a forked worker’s type', () => {
    const check = (worker: NodeWorker): boolean => worker instanceof Worker;
    expectTypeOf(check).returns.toBeBoolean();
    expectTypeOf<Worker>().toEqualTypeOf<NodeWorker>();
    expect(typeof Worker).toBe('function');
  });

  it('types Shoal’s events and members', () => {
    cluster.on('shoal:load', (worker, load) => {
      expectTypeOf(worker).toEqualTypeOf<NodeWorker>();
      expectTypeOf(load).toEqualTypeOf<LoadReport>();
    });
    cluster.once('shoal:protocolError', (_worker, error) => expectTypeOf(error).toEqualTypeOf<Error>());
    // node:cluster's own events keep their types.
    cluster.on('exit', (worker, code) => {
      expectTypeOf(worker).toEqualTypeOf<NodeWorker>();
      expectTypeOf(code).toEqualTypeOf<number>();
    });
    expectTypeOf<ReturnType<NonNullable<ShoalCluster['inspect']>>>().toEqualTypeOf<ClusterSnapshot>();
    expect(cluster.inspect?.().keys).toEqual([]);
    cluster.removeAllListeners('shoal:load');
    cluster.removeAllListeners('shoal:protocolError');
    cluster.removeAllListeners('exit');
  });
});
