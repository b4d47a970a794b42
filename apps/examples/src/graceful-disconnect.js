// Documented behaviour: worker.disconnect() in the primary, with a kill timeout as a safety net. The worker
// runs a TCP server whose connections never end by themselves. The primary first sends the worker an
// application message ("shutdown") so it can close those connections, then calls worker.disconnect(),
// which closes the worker's server and, once its connections are gone, the IPC channel. If the worker
// has not disconnected within KILL_TIMEOUT_MS (default 2000), the primary kills it.
//
//   node apps/examples/src/graceful-disconnect.js       # port 8000, shuts down as soon as it listens
//   PORT=0 WAIT_FOR_CONNECTIONS=1 node apps/examples/src/graceful-disconnect.js
//   PORT=0 WAIT_FOR_CONNECTIONS=1 IGNORE_SHUTDOWN=1 KILL_TIMEOUT_MS=500 node apps/examples/src/graceful-disconnect.js
//
// WAIT_FOR_CONNECTIONS=n (default 0) delays the shutdown until the worker has n open client connections
// (connect with e.g. `nc 127.0.0.1 8000`), so the graceful close has something to close. IGNORE_SHUTDOWN=1
// makes the worker ignore the "shutdown" message, keeping its connections open, so the kill timeout fires.
import net from 'node:net';
import process from 'node:process';
import cluster from '@shoal/cluster';
import { intSetting, portSetting } from './env.js';
import { report } from './report.js';

const port = portSetting(8000);

if (cluster.isPrimary) {
  const wanted = intSetting('WAIT_FOR_CONNECTIONS', 0, 0);
  const killAfter = intSetting('KILL_TIMEOUT_MS', 2000, 1);
  const worker = cluster.fork();
  let listening = false;
  let shuttingDown = false;
  let killTimer;

  const shutDown = () => {
    if (shuttingDown) return;
    shuttingDown = true;
    console.log(`asking worker #${worker.id} to wind down`);
    report('shutdown-started', { id: worker.id });
    worker.send('shutdown');
    worker.disconnect();
    killTimer = setTimeout(() => {
      console.log(`worker #${worker.id} did not disconnect in ${killAfter} ms, killing it`);
      report('kill-timeout', { id: worker.id });
      worker.kill();
    }, killAfter);
  };

  worker.on('listening', (address) => {
    console.log(
      `worker #${worker.id} listening on 127.0.0.1:${address.port} (try nc 127.0.0.1 ${address.port})`,
    );
    report('listening', { id: worker.id, port: address.port });
    listening = true;
    if (wanted === 0) shutDown();
  });
  worker.on('message', (message) => {
    if (listening && typeof message?.openConnections === 'number' && message.openConnections >= wanted) {
      shutDown();
    }
  });
  worker.on('disconnect', () => {
    clearTimeout(killTimer);
    console.log(`worker #${worker.id} disconnected`);
    report('disconnect', { id: worker.id });
  });
  worker.on('exit', (code, signal) => {
    console.log(`worker #${worker.id} exited (${signal ?? `exit code ${code}`})`);
    report('exit', { id: worker.id, code, signal, exitedAfterDisconnect: worker.exitedAfterDisconnect });
  });
} else {
  const ignoreShutdown = process.env.IGNORE_SHUTDOWN === '1';
  const open = new Set();
  const server = net.createServer((socket) => {
    // This server never ends a connection on its own.
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => {});
    socket.write(`connected to worker #${cluster.worker.id}\n`);
    process.send({ openConnections: open.size });
  });
  server.on('close', () => {
    console.log(`worker #${cluster.worker.id}: server closed`);
    report('server-closed', { id: cluster.worker.id });
  });
  server.listen(port);

  process.on('message', (message) => {
    if (message !== 'shutdown') return;
    if (ignoreShutdown) {
      report('shutdown-ignored', { id: cluster.worker.id, open: open.size });
      return;
    }
    // The graceful part: end every open connection so that the server can close.
    report('closing-connections', { id: cluster.worker.id, open: open.size });
    for (const socket of open) socket.end('server going away\n');
  });
}
