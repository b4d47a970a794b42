// Chooses what `cluster` is in this process: Node's own worker-side object in a worker, Shoal's primary otherwise.
import nodeCluster, { type Cluster } from 'node:cluster';
import { ClusterPrimary } from '@shoal/primary';
import { workerRuntimePreload } from '@shoal/worker';

/** node:cluster's API, plus the name of the scheduling strategy in force (primary only). */
export type ShoalCluster = Cluster & { readonly strategy?: string };

function createCluster(): ShoalCluster {
  // A cluster worker runs Node's unpatched worker side: listen() keeps routing through Node's own code.
  if (nodeCluster.isWorker) return nodeCluster as ShoalCluster;
  return new ClusterPrimary({ workerRuntime: workerRuntimePreload }) as unknown as ShoalCluster;
}

export const cluster: ShoalCluster = createCluster();
