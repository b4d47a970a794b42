// Documented behaviour: cluster.disconnect(callback). The first HTTP request a worker answers makes it ask
// the primary to stop; the primary disconnects every worker and its callback runs once all of them are
// disconnected and the cluster's handles are closed. Nothing else is left, so the primary exits.
//
//   node apps/examples/src/cluster-disconnect.js          # port 3000, as in the documentation; one worker
//   PORT=0 WORKERS=2 node apps/examples/src/cluster-disconnect.js
import http from 'node:http';
import process from 'node:process';
import cluster from '@shoal/cluster';
import { portSetting, workerCountSetting } from './env.js';
import { report } from './report.js';

const port = portSetting(3000);

if (cluster.isPrimary) {
  let stopping = false;
  const workerCount = workerCountSetting(1);
  for (let n = 0; n < workerCount; n++) {
    const worker = cluster.fork();
    worker.on('message', (message) => {
      if (message !== 'please-stop' || stopping) return;
      stopping = true;
      report('stop-requested', { by: worker.id });
      cluster.disconnect(() => {
        console.log('every worker has been disconnected');
        report('all-disconnected', { remaining: Object.keys(cluster.workers).length });
      });
    });
    worker.on('disconnect', () => report('disconnect', { id: worker.id }));
    worker.on('exit', (code, signal) => {
      report('exit', { id: worker.id, code, signal, exitedAfterDisconnect: worker.exitedAfterDisconnect });
    });
  }
} else {
  const server = http.createServer((_request, response) => {
    process.send('please-stop');
    response.writeHead(200, { 'x-worker-id': String(cluster.worker.id) });
    response.end(`greetings from worker process ${process.pid}\n`);
  });
  server.listen(port, () => {
    const actual = server.address().port;
    console.log(`worker ${process.pid} accepting requests on http://127.0.0.1:${actual}`);
    report('worker-listening', { id: cluster.worker.id, port: actual });
  });
}
