/// <reference types="node" preserve="true" />
// Public API of @shoal/primary: node:cluster's primary in user land, its worker sessions and its inspection.
export {
  ClusterPrimary,
  type ClusterPrimaryEvents,
  type ClusterPrimaryOptions,
  type ListeningAddress,
} from './cluster-primary.js';
export {
  type ClosedUnservedEvent,
  channelNames,
  type ExitEvent,
  type ForkEvent,
  type HandoffEvent,
  type ListeningEvent,
  type OnlineEvent,
  type ProtocolErrorEvent,
  type RerouteEvent,
  type SettledEvent,
} from './diagnostics.js';
export type {
  ClusterSnapshot,
  HandleCounters,
  ListenKeySnapshot,
  ListenKind,
  WorkerSnapshot,
} from './inspection.js';
export { NodeInternalsError } from './node-internals.js';
export { SCHED_NONE, SCHED_RR, type SchedulingPolicy } from './scheduling-policy.js';
export type { ClusterSettings } from './settings.js';
export {
  ClusterWorker,
  Worker,
  type WorkerConstructor,
  type WorkerOptions,
  type WorkerState,
} from './worker.js';
export { type IpcChannel, WorkerLink } from './worker-link.js';
export { WorkerSession, type WorkerSessionEvents } from './worker-session.js';
