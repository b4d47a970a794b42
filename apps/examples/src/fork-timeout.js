// Documented behaviour: the cluster 'fork' event used to start a per-worker timer that the 'listening'
// event cancels; if a worker does not listen in time, or exits, the primary complains.
//
//   node apps/examples/src/fork-timeout.js                           # port 8000, one worker per CPU
//   PORT=0 WORKERS=2 STALL_WORKER=2 FORK_TIMEOUT_MS=1000 node apps/examples/src/fork-timeout.js
//
// FORK_TIMEOUT_MS is the allowance (default 2000). STALL_WORKER=<id> makes that worker never listen, so its
// timer fires; the primary then kills it. Once every worker is listening or gone, the primary disconnects
// the cluster and the program ends. A timer left running would keep the primary alive until it fired, so
// a run that ends without a complaint proves every timer was cancelled.
import http from 'node:http';
import process from 'node:process';
import cluster from '@shoal/cluster';
import { intSetting, portSetting, workerCountSetting } from './env.js';
import { report } from './report.js';

const port = portSetting(8000);

if (cluster.isPrimary) {
  const allowance = intSetting('FORK_TIMEOUT_MS', 2000, 1);
  const workerCount = workerCountSetting();
  const timers = new Map();
  const settled = new Set();

  const complain = (worker, reason) => {
    console.error(`worker #${worker.id}: something looks wrong (${reason})`);
    report('complaint', { id: worker.id, reason });
  };
  const settle = (worker) => {
    settled.add(worker.id);
    if (settled.size === workerCount) cluster.disconnect(() => report('cluster-disconnected'));
  };

  cluster.on('fork', (worker) => {
    timers.set(
      worker.id,
      setTimeout(() => {
        complain(worker, `not listening after ${allowance} ms`);
        worker.kill();
      }, allowance),
    );
    report('timer-started', { id: worker.id });
  });
  cluster.on('listening', (worker, address) => {
    clearTimeout(timers.get(worker.id));
    console.log(`worker #${worker.id} listening on http://127.0.0.1:${address.port}`);
    report('timer-cleared', { id: worker.id, port: address.port });
    settle(worker);
  });
  cluster.on('exit', (worker, code, signal) => {
    clearTimeout(timers.get(worker.id));
    if (!worker.exitedAfterDisconnect) {
      complain(worker, `exited unexpectedly (${signal ?? code})`);
      settle(worker);
    }
    report('exit', { id: worker.id, code, signal, exitedAfterDisconnect: worker.exitedAfterDisconnect });
  });

  for (let n = 0; n < workerCount; n++) cluster.fork();
} else if (String(cluster.worker.id) === process.env.STALL_WORKER) {
  report('stalling', { id: cluster.worker.id });
} else {
  http.createServer((_request, response) => response.end('ok\n')).listen(port);
}
