/// <reference types="node" preserve="true" />
// Public API of @shoal/supervisor: keeping a cluster's workers up.
export * from './decisions/index.js';
export type { StopResult } from './driver/kill-ladder.js';
export type { ResolvedOptions, SuperviseOptions } from './driver/options.js';
export { Supervisor } from './driver/supervisor.js';
export type {
  BroadcastResult,
  ReloadReport as SupervisorReloadReport,
  ReloadSlotReport,
  RpcCallOptions,
  RpcMethods,
  ShutdownReport,
  SupervisedWorkerSnapshot,
  SupervisorEvents,
  SupervisorSnapshot,
  WorkerInfo,
  WorkerLifecycle,
  WorkerMetrics,
} from './driver/types.js';
export { type SuperviseWith, supervise } from './supervise.js';
