// Shared by the framework and protocol examples (not an example itself): what their primaries do alike —
// say where each worker listens, note exits, and stop the cluster in order on SIGTERM or Ctrl-C.
import process from 'node:process';
import { report } from './report.js';

/** Prints a line for each worker that listens (`worker <pid> listening on <scheme>://127.0.0.1:<port>`) or exits. */
export function watchWorkers(cluster, scheme) {
  cluster.on('listening', (worker, address) => {
    console.log(`worker ${worker.process.pid} listening on ${scheme}://127.0.0.1:${address.port}`);
    report('listening', {
      id: worker.id,
      workerPid: worker.process.pid,
      port: address.port,
      addressType: address.addressType,
    });
  });
  cluster.on('exit', (worker, code, signal) => {
    console.log(`worker ${worker.process.pid} exited (${signal ?? `code ${code}`})`);
    report('worker-exit', { id: worker.id, workerPid: worker.process.pid, code, signal });
  });
}

/**
 * On SIGTERM or SIGINT, sends every worker a `{ type: 'shutdown' }` message, then disconnects them: each closes
 * its servers and exits once their connections have ended, and the primary, with nothing left to wait for,
 * exits 0. A worker that holds long-lived connections (WebSockets) ends them on that message: the disconnect
 * waits for every connection to close, and open ones would keep the worker up.
 */
export function stopOnSignals(cluster) {
  const stop = (signal) => {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
    console.log(`primary: ${signal}, disconnecting the workers`);
    report('stopping', { signal });
    for (const worker of Object.values(cluster.workers)) {
      if (worker.isConnected()) worker.send({ type: 'shutdown' });
    }
    cluster.disconnect(() => report('stopped'));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
