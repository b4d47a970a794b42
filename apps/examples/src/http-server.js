// Documented behaviour: the module's opening example and "How it works". A primary forks one worker per
// CPU, every worker runs the same HTTP server on one shared port, and the primary logs workers that die.
//
//   node apps/examples/src/http-server.js                     # port 8000, one worker per CPU
//   PORT=0 WORKERS=2 REQUESTS=6 node apps/examples/src/http-server.js
//
// Node's example serves forever; this one stops by itself once REQUESTS requests (default 20) have been
// answered: each worker tells the primary about every answer, and the primary then disconnects the
// cluster, which closes the servers and lets every process exit. With PORT=0 the first listen(0) picks a
// free port and all other workers receive that same port, as the documentation describes for clusters.
// Each answer names the worker that sent it (x-worker-id / x-worker-pid headers).
import http from 'node:http';
import process from 'node:process';
import cluster from '@shoal/cluster';
import { intSetting, portSetting, workerCountSetting } from './env.js';
import { report } from './report.js';

const port = portSetting(8000);

if (cluster.isPrimary) {
  const workerCount = workerCountSetting();
  const budget = intSetting('REQUESTS', 20, 1);
  console.log(`primary ${process.pid}: starting ${workerCount} workers`);
  report('primary-started', { workers: workerCount });

  let answered = 0;
  cluster.on('message', (_worker, message) => {
    if (message?.type !== 'answered') return;
    answered += 1;
    if (answered !== budget) return;
    console.log(`primary: ${answered} requests answered, shutting the cluster down`);
    report('budget-reached', { answered });
    cluster.disconnect(() => report('cluster-disconnected'));
  });

  cluster.on('exit', (worker, code, signal) => {
    console.log(`worker ${worker.process.pid} has stopped (${signal ?? `exit code ${code}`})`);
    report('worker-exit', {
      id: worker.id,
      workerPid: worker.process.pid,
      code,
      signal,
      exitedAfterDisconnect: worker.exitedAfterDisconnect,
    });
  });

  for (let n = 0; n < workerCount; n++) cluster.fork();
} else {
  // Any TCP server can be shared by the workers; here it is an HTTP one.
  const server = http.createServer((_request, response) => {
    response.writeHead(200, {
      'content-type': 'text/plain; charset=utf-8',
      'x-worker-id': String(cluster.worker.id),
      'x-worker-pid': String(process.pid),
    });
    response.end('hello from the cluster\n');
    process.send({ type: 'answered' });
  });
  server.listen(port, () => {
    const actual = server.address().port;
    console.log(`worker ${process.pid} listening on http://127.0.0.1:${actual}`);
    report('worker-listening', { id: cluster.worker.id, port: actual });
  });
  console.log(`worker ${process.pid} is up`);
}
