// HTTP/2 (`node:http2`) in cluster workers, on one shared port: cleartext (h2c) by default, or over TLS when
// TLS_CERT and TLS_KEY name a certificate and key (see https-cluster.js for making one).
//
//   PORT=0 WORKERS=2 node apps/examples/src/http2-cluster.js
//   curl --http2-prior-knowledge http://127.0.0.1:<port>/a
//   TLS_CERT=cert.pem TLS_KEY=key.pem PORT=0 WORKERS=2 node apps/examples/src/http2-cluster.js
//   curl --cacert cert.pem https://127.0.0.1:<port>/a
//
// A connection is one HTTP/2 session, handed to one worker: all of its streams are served there. Each answer
// is JSON naming the worker (pid, cluster worker id), the stream's id and the path asked for. SIGTERM or
// Ctrl-C stops the cluster: each worker stops accepting, sends every open session a GOAWAY (streams under way
// finish), and exits 0 once they are closed.
import http2 from 'node:http2';
import process from 'node:process';
import cluster from '@shoal/cluster';
import { stopOnSignals, watchWorkers } from './cluster-lifecycle.js';
import { portSetting, workerCountSetting } from './env.js';
import { tlsSettings } from './tls-settings.js';

const port = portSetting(8000);
const tls = tlsSettings({ optional: true });

if (cluster.isPrimary) {
  watchWorkers(cluster, tls ? 'https' : 'http');
  stopOnSignals(cluster);
  for (let n = 0; n < workerCountSetting(); n++) cluster.fork();
} else {
  const worker = { pid: process.pid, id: cluster.worker.id };
  const server = tls ? http2.createSecureServer(tls) : http2.createServer();

  server.on('stream', (stream, headers) => {
    stream.respond({ ':status': 200, 'content-type': 'application/json', 'x-worker': String(process.pid) });
    stream.end(JSON.stringify({ worker, stream: stream.id, path: headers[':path'] }));
  });

  // The primary is about to disconnect this worker, which waits for every connection to end: ask the
  // sessions to wind down (idle ones never would), and any that still arrives before the server closes.
  let stopping = false;
  const sessions = new Set();
  server.on('session', (session) => {
    if (stopping) return session.close();
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  process.on('message', (message) => {
    if (message?.type !== 'shutdown') return;
    stopping = true;
    for (const session of sessions) session.close();
  });

  server.listen(port, '127.0.0.1');
}
