/// <reference types="node" preserve="true" />
// `import cluster from '@shoal/cluster'` and `require('@shoal/cluster')` both give the cluster object itself.
import type { Worker as NodeWorker } from 'node:cluster';
import { cluster } from './cluster.js';

export type {
  ReloadSlotReport,
  RpcCallOptions,
  RpcMethods,
  ShutdownReport,
  SupervisedWorkerSnapshot,
  SuperviseOptions,
  Supervisor,
  SupervisorEvents,
  SupervisorReloadReport,
  SupervisorSnapshot,
} from '@shoal/supervisor';
export { supervise } from './supervise.js';
export type { ShoalCluster, ShoalClusterEvents, ShoalClusterSettings } from './types.js';
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
/** The Worker class (`worker instanceof Worker` holds for every worker `fork()` returns). */
export const Worker = (cluster as unknown as { Worker: typeof NodeWorker }).Worker;
export type Worker = NodeWorker;
export const schedulingPolicy = cluster.schedulingPolicy;
export const settings = cluster.settings;
export const workers = cluster.workers;
export const worker = cluster.worker;
