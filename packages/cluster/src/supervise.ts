// `supervise()` from the facade: @shoal/supervisor on the facade's own primary, so `cluster.workers`, its events
// and `inspect()` show the supervised workers. Loaded only when called, and only in the primary.

import { createRequire } from 'node:module';
import type { ClusterPrimary } from '@shoal/primary';
import type { RpcMethods, SuperviseOptions, Supervisor } from '@shoal/supervisor';
import { cluster } from './cluster.js';

export function supervise<WorkerApi extends object = RpcMethods, PrimaryApi extends object = RpcMethods>(
  options: SuperviseOptions = {},
): Supervisor<WorkerApi, PrimaryApi> {
  if (cluster.isWorker) {
    throw Object.assign(
      new Error('supervise() starts workers: call it in the primary, not in a cluster worker'),
      {
        code: 'SHOAL_ERR_NOT_PRIMARY',
      },
    );
  }
  const require = createRequire(import.meta.url);
  const supervisor = require('@shoal/supervisor') as typeof import('@shoal/supervisor');
  return supervisor.supervise<WorkerApi, PrimaryApi>({
    ...options,
    primary: cluster as unknown as ClusterPrimary,
  });
}
