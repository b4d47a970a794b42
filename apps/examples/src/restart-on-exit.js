// Documented behaviour: the cluster 'exit' event used to replace a worker that died, by forking a new one.
//
//   node apps/examples/src/restart-on-exit.js                # port 8000, one worker per CPU
//   PORT=0 WORKERS=2 RESTARTS=1 node apps/examples/src/restart-on-exit.js
//
// Workers run an HTTP server; a request to /crash makes the answering worker exit with code 1 (or kill a
// worker's process from outside). Each answer names its worker (x-worker-id / x-worker-pid headers).
// Node's example restarts forever; this one replaces at most RESTARTS workers (default 3). The next
// unexpected death after that disconnects the remaining workers and the program ends. Workers that exit
// because they were disconnected on purpose (exitedAfterDisconnect) are not replaced.
import http from 'node:http';
import process from 'node:process';
import cluster from '@shoal/cluster';
import { intSetting, portSetting, workerCountSetting } from './env.js';
import { report } from './report.js';

const port = portSetting(8000);

if (cluster.isPrimary) {
  const maxRestarts = intSetting('RESTARTS', 3, 0);
  let restarts = 0;

  cluster.on('exit', (worker, code, signal) => {
    report('exit', { id: worker.id, workerPid: worker.process.pid, code, signal });
    if (worker.exitedAfterDisconnect) return;
    if (restarts === maxRestarts) {
      console.log(`worker ${worker.process.pid} died (${signal ?? code}); no restarts left, stopping`);
      report('giving-up', { restarts });
      cluster.disconnect();
      return;
    }
    restarts += 1;
    console.log(`worker ${worker.process.pid} died (${signal ?? code}), starting a replacement`);
    const replacement = cluster.fork();
    report('restarted', { replaced: worker.id, id: replacement.id, restarts });
  });

  const workerCount = workerCountSetting();
  for (let n = 0; n < workerCount; n++) cluster.fork();
} else {
  const server = http.createServer((request, response) => {
    response.writeHead(200, {
      'x-worker-id': String(cluster.worker.id),
      'x-worker-pid': String(process.pid),
    });
    if (request.url === '/crash') {
      response.end('crashing now\n', () => process.exit(1));
    } else {
      response.end('alive\n');
    }
  });
  server.listen(port, () => {
    const actual = server.address().port;
    console.log(`worker ${process.pid} listening on http://127.0.0.1:${actual}`);
    report('worker-listening', { id: cluster.worker.id, port: actual });
  });
}
