export { ClusterPrimary, type ClusterPrimaryOptions, type StrategySpec } from './cluster-primary.js';
export { SCHED_NONE, SCHED_RR, type SchedulingPolicy } from './scheduling-policy.js';
export type { ClusterSettings } from './settings.js';
export {
  ClusterWorker,
  Worker,
  type WorkerConstructor,
  type WorkerOptions,
  type WorkerState,
} from './worker.js';
