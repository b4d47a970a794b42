// Documented behaviour: cluster.worker, cluster.isPrimary, cluster.isWorker (and the deprecated
// cluster.isMaster). The primary has no cluster.worker; each worker finds its own Worker object there,
// with the id the primary gave it and the worker's own process object.
//
//   node apps/examples/src/whoami.js
//   WORKERS=3 node apps/examples/src/whoami.js
//
// Two workers by default; each one introduces itself and disconnects, so the program ends by itself.
import process from 'node:process';
import cluster from '@shoal/cluster';
import { workerCountSetting } from './env.js';
import { report } from './report.js';

const identity = () => ({
  isPrimary: cluster.isPrimary,
  isWorker: cluster.isWorker,
  isMaster: cluster.isMaster,
  hasWorkerObject: cluster.worker !== undefined,
});

if (cluster.isPrimary) {
  console.log('this process is the primary');
  report('primary', identity());
  const workerCount = workerCountSetting(2);
  for (let n = 0; n < workerCount; n++) {
    const worker = cluster.fork();
    report('forked', { id: worker.id, workerPid: worker.process.pid });
  }
} else if (cluster.isWorker) {
  console.log(`this process is worker #${cluster.worker.id}`);
  report('worker', {
    ...identity(),
    id: cluster.worker.id,
    ownProcess: cluster.worker.process === process,
  });
  cluster.worker.disconnect();
}
