// HTTPS in cluster workers: each worker runs an `https` server with the same certificate on one shared port.
// The primary only hands out connections (it never decrypts); every TLS handshake happens in a worker.
//
//   openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=localhost \
//     -addext subjectAltName=IP:127.0.0.1 -keyout key.pem -out cert.pem
//   TLS_CERT=cert.pem TLS_KEY=key.pem PORT=0 WORKERS=2 node apps/examples/src/https-cluster.js
//   curl --cacert cert.pem https://127.0.0.1:<port>/
//
// Each answer is JSON naming the worker (pid, cluster worker id), the TLS version, and whether the client
// resumed an earlier TLS session. A session resumes on any worker, not only the one that issued its ticket:
// a TLS server's listen request carries its session-ticket keys, and the cluster gives every later worker on
// that port the first one's keys (Node's cluster does the same; it overrides a worker's own `ticketKeys`).
import https from 'node:https';
import process from 'node:process';
import cluster from '@shoal/cluster';
import { stopOnSignals, watchWorkers } from './cluster-lifecycle.js';
import { portSetting, workerCountSetting } from './env.js';
import { tlsSettings } from './tls-settings.js';

const port = portSetting(8443);
// Read in the primary too, so missing files stop it before anything is forked.
const tls = tlsSettings();

if (cluster.isPrimary) {
  watchWorkers(cluster, 'https');
  stopOnSignals(cluster);
  for (let n = 0; n < workerCountSetting(); n++) cluster.fork();
} else {
  const worker = { pid: process.pid, id: cluster.worker.id };
  const server = https.createServer(tls, (request, response) => {
    const body = {
      worker,
      tls: request.socket.getProtocol(),
      resumed: request.socket.isSessionReused(),
    };
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  });
  server.listen(port, '127.0.0.1');
}
