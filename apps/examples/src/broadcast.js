// Documented behaviour: cluster.workers, the table of live workers keyed by id, walked to send every
// worker the same message. A worker leaves the table once it has both disconnected and exited, before
// the later of its 'disconnect' and 'exit' events; each event here says whether the worker was still
// listed.
//
//   node apps/examples/src/broadcast.js                 # one worker per CPU
//   WORKERS=3 node apps/examples/src/broadcast.js
//
// The primary waits until every worker says it is ready (a message sent before a worker attaches its
// listener would be lost), broadcasts one announcement, and each worker disconnects after hearing it.
import process from 'node:process';
import cluster from '@shoal/cluster';
import { workerCountSetting } from './env.js';
import { report } from './report.js';

if (cluster.isPrimary) {
  const workerCount = workerCountSetting();
  const announcement = 'attention all workers: this is the only announcement';
  let ready = 0;

  const broadcast = () => {
    const ids = [];
    for (const worker of Object.values(cluster.workers)) {
      worker.send(announcement);
      ids.push(worker.id);
    }
    report('broadcast', { ids, announcement });
  };

  cluster.on('message', (_worker, message) => {
    if (message === 'ready' && ++ready === workerCount) broadcast();
  });
  cluster.on('disconnect', (worker) =>
    report('disconnect', { id: worker.id, listed: worker.id in cluster.workers }),
  );
  cluster.on('exit', (worker) => report('exit', { id: worker.id, listed: worker.id in cluster.workers }));

  for (let n = 0; n < workerCount; n++) cluster.fork();
  report('workers-table', { ids: Object.keys(cluster.workers).map(Number) });
} else {
  process.on('message', (message) => {
    console.log(`worker #${cluster.worker.id} heard: ${message}`);
    report('heard', { id: cluster.worker.id, message });
    cluster.worker.disconnect();
  });
  process.send('ready');
}
