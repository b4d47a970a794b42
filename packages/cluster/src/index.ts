// `import cluster from '@shoal/cluster'` and `require('@shoal/cluster')` both give the cluster object itself.
import { cluster } from './cluster.js';

export type { ShoalCluster } from './cluster.js';
export default cluster;
export { cluster as 'module.exports' };

export const {
  isPrimary,
  isMaster,
  isWorker,
  SCHED_NONE,
  SCHED_RR,
  fork,
  disconnect,
  setupPrimary,
  setupMaster,
} = cluster;
export const Worker = (cluster as unknown as { Worker: unknown }).Worker;
export const schedulingPolicy = cluster.schedulingPolicy;
export const settings = cluster.settings;
export const workers = cluster.workers;
export const worker = cluster.worker;
