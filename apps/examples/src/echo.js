// Documented behaviour: worker.send() and the worker echoing every message back with process.send(), as
// well as worker.isConnected() before and after the IPC channel closes.
//
//   node apps/examples/src/echo.js
//
// One worker is forked. A worker's module may still be loading when the first messages from the primary
// arrive, and a message that arrives before process.on('message') is attached is dropped (Node does the
// same), so the worker first says it is ready; the primary then sends a few messages, waits for each echo,
// and disconnects the worker. The program ends when the worker has exited.
import process from 'node:process';
import cluster from '@shoal/cluster';
import { report } from './report.js';

if (cluster.isPrimary) {
  const outgoing = [
    'hello, worker',
    { note: 'objects survive the trip', list: [1, 2, 3], nested: { ok: true } },
    42,
  ];
  const echoes = [];
  const worker = cluster.fork();

  worker.on('message', (message) => {
    if (message?.echoReady === true) {
      report('worker-ready', { id: worker.id, connected: worker.isConnected() });
      for (const item of outgoing) worker.send(item);
      return;
    }
    console.log(`echo from worker #${worker.id}: ${JSON.stringify(message)}`);
    echoes.push(message);
    report('echo', { id: worker.id, message });
    if (echoes.length === outgoing.length) {
      report('all-echoed', { id: worker.id, sent: outgoing, echoes, connected: worker.isConnected() });
      worker.disconnect();
    }
  });
  worker.on('disconnect', () => report('disconnect', { id: worker.id, connected: worker.isConnected() }));
  worker.on('exit', (code, signal) => report('exit', { id: worker.id, code, signal }));
} else {
  process.on('message', (message) => process.send(message));
  process.send({ echoReady: true });
}
