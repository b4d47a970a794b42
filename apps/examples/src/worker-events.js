// Documented behaviour: the per-worker events 'online', 'listening' and 'disconnect' on the Worker object
// that cluster.fork() returns, with worker.isConnected() along the way. The documentation notes that
// 'online' and 'listening' are not emitted on cluster.worker inside the worker; the worker listens for
// them anyway and would report it if they came.
//
//   node apps/examples/src/worker-events.js          # port 8000
//   PORT=0 node apps/examples/src/worker-events.js
//
// The primary forks one worker that starts an HTTP server; once the worker is listening, the primary
// disconnects it, and the program ends when the worker has exited.
import http from 'node:http';
import cluster from '@shoal/cluster';
import { portSetting } from './env.js';
import { report } from './report.js';

const port = portSetting(8000);

if (cluster.isPrimary) {
  const worker = cluster.fork();
  report('forked', { id: worker.id, connected: worker.isConnected() });

  worker.on('online', () => {
    console.log(`worker #${worker.id} is running`);
    report('online', { id: worker.id });
  });
  worker.on('listening', (address) => {
    console.log(`worker #${worker.id} is listening on port ${address.port}`);
    report('listening', { id: worker.id, address });
    worker.disconnect();
    report('disconnect-requested', { id: worker.id, connected: worker.isConnected() });
  });
  worker.on('disconnect', () => {
    console.log(`worker #${worker.id} is disconnected`);
    report('disconnect', { id: worker.id, connected: worker.isConnected() });
  });
  worker.on('exit', (code, signal) => {
    console.log(`worker #${worker.id} has exited`);
    report('exit', {
      id: worker.id,
      code,
      signal,
      connected: worker.isConnected(),
      dead: worker.isDead(),
      exitedAfterDisconnect: worker.exitedAfterDisconnect,
    });
  });
} else {
  const me = cluster.worker;
  for (const name of ['online', 'listening']) {
    me.on(name, () => report('unexpected-worker-side-event', { name }));
  }
  const server = http.createServer((_request, response) => response.end('ok\n'));
  server.on('close', () => report('server-closed', { id: me.id }));
  server.listen(port, () => report('worker-listening', { id: me.id, port: server.address().port }));
}
