// Chooses what `cluster` is in this process: Node's own worker-side object in a worker, Shoal's primary otherwise.
import nodeCluster from 'node:cluster';
import { createRequire } from 'node:module';
import type { ShoalCluster } from './types.js';

function createCluster(): ShoalCluster {
  // A cluster worker runs Node's unpatched worker side: listen() keeps routing through Node's own code.
  if (nodeCluster.isWorker) return nodeCluster as unknown as ShoalCluster;
  // Loaded only here, synchronously (require of ES modules, Node ≥ 20.19): every worker imports this module
  // too, and must not pay for the primary's code in start-up time and memory.
  const require = createRequire(import.meta.url);
  const { ClusterPrimary } = require('@shoal/primary') as typeof import('@shoal/primary');
  const { workerRuntimePreload } = require('@shoal/worker') as typeof import('@shoal/worker');
  return new ClusterPrimary({ workerRuntime: workerRuntimePreload }) as unknown as ShoalCluster;
}

export const cluster: ShoalCluster = createCluster();
