// Documented behaviour: the Worker 'message' event. Workers tell the primary about every HTTP request they
// answer, and the primary keeps the running total, printing it once a second.
//
//   node apps/examples/src/count-requests.js                       # port 8000, one worker per CPU
//   PORT=0 WORKERS=2 REQUESTS=5 TICK_MS=200 node apps/examples/src/count-requests.js
//
// Node's example counts forever; this one stops when the total reaches REQUESTS (default 20): the primary
// prints the final count, stops its ticker and disconnects the cluster. TICK_MS sets the interval of the
// periodic print (default 1000).
import http from 'node:http';
import process from 'node:process';
import cluster from '@shoal/cluster';
import { intSetting, portSetting, workerCountSetting } from './env.js';
import { report } from './report.js';

const port = portSetting(8000);

if (cluster.isPrimary) {
  const budget = intSetting('REQUESTS', 20, 1);
  let total = 0;

  const ticker = setInterval(
    () => {
      console.log(`requests answered so far: ${total}`);
      report('tick', { total });
    },
    intSetting('TICK_MS', 1000, 1),
  );

  const countFrom = (worker, message) => {
    if (message?.kind !== 'request-answered') return;
    total += 1;
    report('counted', { from: worker.id, total });
    if (total !== budget) return;
    clearInterval(ticker);
    console.log(`final count: ${total} requests`);
    report('final-count', { total });
    cluster.disconnect();
  };

  const workerCount = workerCountSetting();
  for (let n = 0; n < workerCount; n++) cluster.fork();

  // Subscribe to every worker's messages by walking the table of live workers.
  for (const worker of Object.values(cluster.workers)) {
    worker.on('message', (message) => countFrom(worker, message));
  }
} else {
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { 'x-worker-id': String(cluster.worker.id) });
    response.end('noted\n');
    process.send({ kind: 'request-answered' });
  });
  server.listen(port, () => {
    const actual = server.address().port;
    console.log(`worker ${process.pid} listening on http://127.0.0.1:${actual}`);
    report('worker-listening', { id: cluster.worker.id, port: actual });
  });
}
