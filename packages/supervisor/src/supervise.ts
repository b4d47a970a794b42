// `supervise()`: a supervised cluster in one call, on a primary of its own or on one given (the facade's).
import { ClusterPrimary } from '@shoal/primary';
import { workerRuntimePreload } from '@shoal/worker';
import { resolveOptions, type SuperviseOptions } from './driver/options.js';
import { installSignalHandlers } from './driver/signals.js';
import { Supervisor } from './driver/supervisor.js';
import type { RpcMethods } from './driver/types.js';

export interface SuperviseWith extends SuperviseOptions {
  /** The primary to supervise (default: a new one). `@shoal/cluster`'s `supervise()` passes its `cluster`. */
  primary?: ClusterPrimary;
}

/**
 * Starts `workers` workers of `exec` and keeps them up (see the package README). Workers start at once; await
 * `supervisor.whenReady()` for all of them to be ready.
 */
export function supervise<WorkerApi extends object = RpcMethods, PrimaryApi extends object = RpcMethods>(
  options: SuperviseWith = {},
): Supervisor<WorkerApi, PrimaryApi> {
  const resolved = resolveOptions(options);
  const primary = options.primary ?? new ClusterPrimary({ workerRuntime: workerRuntimePreload });
  const supervisor = new Supervisor<WorkerApi, PrimaryApi>(primary, resolved);
  if (resolved.signals) installSignalHandlers(supervisor);
  return supervisor;
}
