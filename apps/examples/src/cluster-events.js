// Documented behaviour: the cluster-wide events 'fork', 'online', 'listening' (with the address object:
// address, port, addressType) and 'disconnect', in the order a worker's life produces them, ending with
// 'exit'. Each event also says whether the worker is still in cluster.workers at that moment.
//
//   node apps/examples/src/cluster-events.js                # port 8000, one worker per CPU
//   PORT=0 WORKERS=2 node apps/examples/src/cluster-events.js
//
// Every worker starts an HTTP server; when all of them are listening the primary calls
// cluster.disconnect(), and the program ends once every worker has exited.
import http from 'node:http';
import cluster from '@shoal/cluster';
import { portSetting, workerCountSetting } from './env.js';
import { report } from './report.js';

const port = portSetting(8000);

if (cluster.isPrimary) {
  const workerCount = workerCountSetting();
  const listed = (worker) => cluster.workers[worker.id] === worker;
  let listeningCount = 0;

  cluster.on('fork', (worker) => {
    console.log(`worker #${worker.id} forked`);
    report('fork', { id: worker.id, listed: listed(worker) });
  });
  cluster.on('online', (worker) => {
    console.log(`worker #${worker.id} answered after being forked`);
    report('online', { id: worker.id, listed: listed(worker) });
  });
  cluster.on('listening', (worker, address) => {
    console.log(`worker #${worker.id} now accepts connections on ${address.address}:${address.port}`);
    report('listening', { id: worker.id, address, listed: listed(worker) });
    listeningCount += 1;
    if (listeningCount === workerCount) {
      cluster.disconnect(() =>
        report('all-disconnected', { remaining: Object.keys(cluster.workers).length }),
      );
    }
  });
  cluster.on('disconnect', (worker) => {
    console.log(`worker #${worker.id} has disconnected`);
    report('disconnect', { id: worker.id, listed: listed(worker) });
  });
  cluster.on('exit', (worker, code, signal) => {
    console.log(`worker #${worker.id} exited`);
    report('exit', { id: worker.id, code, signal, listed: listed(worker) });
  });

  for (let n = 0; n < workerCount; n++) cluster.fork();
} else {
  http.createServer((_request, response) => response.end('ok\n')).listen(port);
}
