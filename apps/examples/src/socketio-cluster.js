// Socket.IO long polling on the facade: a primary that imports `@shoal/cluster` forks WORKERS workers
// (default: one per CPU), each running the unmodified Socket.IO app of `socketio-app.js` on one shared port,
// and routes each connection by the session id it carries (ROUTE_BY, default `query:sid,cookie:io`).
//
//   PORT=0 WORKERS=3 node apps/examples/src/socketio-cluster.js
//
// The primary prints where each worker listens; SIGTERM or Ctrl-C disconnects the workers and everything exits.
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import cluster from '@shoal/cluster';
import { portSetting, workerCountSetting } from './env.js';
import { report } from './report.js';

// Checked here so a bad value stops the primary before anything is forked.
portSetting(8000);
const routeBy = (process.env.ROUTE_BY ?? 'query:sid,cookie:io').split(',');

cluster.setupPrimary({
  exec: fileURLToPath(new URL('./socketio-app.js', import.meta.url)),
  // consistent-hash alone would hash the client's address; routeBy makes the primary read each connection's
  // first request and route by its `sid` (the workers claim the ids they create, see socketio-app.js).
  strategy: 'consistent-hash',
  strategyOptions: { routeBy },
});

cluster.on('listening', (worker, address) => {
  console.log(`worker ${worker.process.pid} listening on http://${address.address}:${address.port}`);
  report('worker-listening', { id: worker.id, workerPid: worker.process.pid, port: address.port });
});
cluster.on('exit', (worker, code, signal) => {
  report('worker-exit', { id: worker.id, workerPid: worker.process.pid, code, signal });
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => cluster.disconnect(() => report('cluster-disconnected')));
}

for (let n = 0; n < workerCountSetting(); n++) cluster.fork();
