// Documented behaviour: worker.isDead(). Every worker answers one HTTP request and then terminates its own
// process; the primary prints isDead() when a worker is forked (false) and when it has exited (true).
//
//   node apps/examples/src/is-dead.js                 # port 8000, one worker per CPU
//   PORT=0 WORKERS=2 node apps/examples/src/is-dead.js
//
// The primary does not replace dead workers, so the program ends by itself once every worker has
// answered its one request.
import http from 'node:http';
import process from 'node:process';
import cluster from '@shoal/cluster';
import { portSetting, workerCountSetting } from './env.js';
import { report } from './report.js';

const port = portSetting(8000);

if (cluster.isPrimary) {
  console.log(`primary ${process.pid} started`);

  cluster.on('fork', (worker) => {
    console.log(`forked worker #${worker.id}; dead? ${worker.isDead()}`);
    report('fork', { id: worker.id, dead: worker.isDead() });
  });
  cluster.on('exit', (worker, code, signal) => {
    console.log(`worker #${worker.id} exited; dead? ${worker.isDead()}`);
    report('exit', { id: worker.id, workerPid: worker.process.pid, code, signal, dead: worker.isDead() });
  });

  const workerCount = workerCountSetting();
  for (let n = 0; n < workerCount; n++) cluster.fork();
} else {
  const server = http.createServer((_request, response) => {
    response.writeHead(200);
    response.end(`answered by process ${process.pid}, which now ends itself\n`);
    process.kill(process.pid);
  });
  server.listen(port, () => {
    const actual = server.address().port;
    console.log(`worker ${process.pid} listening on http://127.0.0.1:${actual}`);
    report('worker-listening', { id: cluster.worker.id, port: actual });
  });
}
