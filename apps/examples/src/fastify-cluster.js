// Fastify on the facade: a primary that imports `@shoal/cluster` forks WORKERS workers (default: one per CPU),
// and each worker runs the unmodified Fastify app of `fastify-app.js` on one shared port.
//
//   PORT=0 WORKERS=2 node apps/examples/src/fastify-cluster.js
//
// The primary prints where each worker listens (`worker <pid> listening on http://127.0.0.1:<port>`); SIGTERM
// or Ctrl-C makes it disconnect the workers, which closes their servers, and everything exits 0.
import { fileURLToPath } from 'node:url';
import cluster from '@shoal/cluster';
import { stopOnSignals, watchWorkers } from './cluster-lifecycle.js';
import { portSetting, workerCountSetting } from './env.js';

// Checked here so a bad value stops the primary before anything is forked.
portSetting(8000);
cluster.setupPrimary({ exec: fileURLToPath(new URL('./fastify-app.js', import.meta.url)) });
watchWorkers(cluster, 'http');
stopOnSignals(cluster);
for (let n = 0; n < workerCountSetting(); n++) cluster.fork();
