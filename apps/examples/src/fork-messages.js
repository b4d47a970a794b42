// Documented behaviour: cluster.fork([env]) and listening to the messages of the returned workers. Every
// worker reports its pid to the primary for each request it answers. Each worker is also given its own
// label through fork's env argument, which it puts in its answers.
//
//   node apps/examples/src/fork-messages.js            # port 3000, as in the documentation; one worker per CPU
//   PORT=0 WORKERS=2 REQUESTS=4 node apps/examples/src/fork-messages.js
//
// Node's example serves forever; this one disconnects the cluster after REQUESTS messages (default 20).
import http from 'node:http';
import { cpus } from 'node:os';
import process from 'node:process';
import cluster from '@shoal/cluster';
import { intSetting, portSetting, workerCountSetting } from './env.js';
import { report } from './report.js';

const port = portSetting(3000);

if (cluster.isPrimary) {
  const budget = intSetting('REQUESTS', 20, 1);
  let received = 0;
  const workerCount = workerCountSetting(cpus().length);
  for (let n = 0; n < workerCount; n++) {
    const label = `worker-${n + 1}-of-${workerCount}`;
    const worker = cluster.fork({ WORKER_LABEL: label });
    worker.on('message', (message) => {
      console.log(`message from ${label}: ${message}`);
      received += 1;
      report('message', { id: worker.id, label, message, workerPid: worker.process.pid });
      if (received === budget) cluster.disconnect(() => report('cluster-disconnected', { received }));
    });
  }
} else {
  const label = process.env.WORKER_LABEL;
  const server = http.createServer((_request, response) => {
    process.send(process.pid);
    response.writeHead(200, { 'x-worker-label': label, 'x-worker-pid': String(process.pid) });
    response.end(`greetings from ${label} (process ${process.pid})\n`);
  });
  server.listen(port, () => {
    const actual = server.address().port;
    console.log(`${label} (process ${process.pid}) accepting requests on http://127.0.0.1:${actual}`);
    report('worker-listening', { id: cluster.worker.id, label, port: actual });
  });
}
