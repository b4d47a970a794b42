// Documented behaviour: worker.exitedAfterDisconnect, plus worker.kill() and its alias worker.destroy().
// A worker that was disconnected exits with exitedAfterDisconnect === true, so the primary knows the exit
// was voluntary; a killed worker gets false; before exiting it is undefined.
//
//   node apps/examples/src/exited-after-disconnect.js
//
// The primary forks three idle workers and, once each is online, ends it a different way:
// worker.disconnect(), worker.kill() (SIGTERM) and worker.destroy('SIGKILL'). The program ends when all
// three have exited.
import cluster from '@shoal/cluster';
import { report } from './report.js';

if (cluster.isPrimary) {
  const endings = ['disconnect', 'kill', 'destroy'];
  const endingOf = new Map();

  cluster.on('exit', (worker, code, signal) => {
    const how = endingOf.get(worker.id);
    if (worker.exitedAfterDisconnect === true) {
      console.log(`worker #${worker.id} (${how}) left on purpose, nothing to worry about`);
    } else {
      console.log(`worker #${worker.id} (${how}) did not leave voluntarily`);
    }
    report('exit', { id: worker.id, how, code, signal, exitedAfterDisconnect: worker.exitedAfterDisconnect });
  });

  for (const how of endings) {
    const worker = cluster.fork();
    endingOf.set(worker.id, how);
    worker.on('online', () => {
      // JSON has no undefined, hence the string.
      report('online', { id: worker.id, how, before: String(worker.exitedAfterDisconnect) });
      if (how === 'disconnect') worker.disconnect();
      else if (how === 'kill') worker.kill();
      else worker.destroy('SIGKILL');
    });
  }
}
// The workers do nothing: their IPC channel to the primary keeps them alive until they are ended.
