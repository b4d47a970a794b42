// WebSocket (the `ws` package) in cluster workers: each worker runs an HTTP server with a WebSocket server on
// it, all on one shared port; a connection is handed to one worker and stays with it.
//
//   PORT=0 WORKERS=2 node apps/examples/src/ws-cluster.js
//
// Clients send JSON text messages. `{"type":"echo","text":…}` comes back to the sender; `{"type":"broadcast",
// "text":…}` goes to every client of the same worker (workers share no state: a broadcast to the whole
// cluster would need the primary or a pub/sub server). Every message a worker sends names it (`worker`: pid
// and cluster worker id), the first being a `welcome`. SIGTERM or Ctrl-C stops the cluster: each worker stops
// accepting, closes its open WebSockets with code 1001 (going away), and exits 0.
import http from 'node:http';
import process from 'node:process';
import cluster from '@shoal/cluster';
import { WebSocketServer } from 'ws';
import { stopOnSignals, watchWorkers } from './cluster-lifecycle.js';
import { portSetting, workerCountSetting } from './env.js';

const port = portSetting(8000);

if (cluster.isPrimary) {
  watchWorkers(cluster, 'ws');
  stopOnSignals(cluster);
  for (let n = 0; n < workerCountSetting(); n++) cluster.fork();
} else {
  const worker = { pid: process.pid, id: cluster.worker.id };
  const server = http.createServer((_request, response) => {
    response.writeHead(426, { 'content-type': 'text/plain; charset=utf-8' });
    response.end('this server speaks WebSocket\n');
  });
  const sockets = new WebSocketServer({ server });

  // The primary is about to disconnect this worker, which waits for every connection to end: end the
  // WebSockets, which would otherwise stay open, and any that still arrives before the server closes.
  let stopping = false;
  process.on('message', (message) => {
    if (message?.type !== 'shutdown') return;
    stopping = true;
    for (const client of sockets.clients) client.close(1001, 'server stopping');
  });

  sockets.on('connection', (socket) => {
    if (stopping) return socket.close(1001, 'server stopping');
    socket.send(JSON.stringify({ type: 'welcome', worker, clients: sockets.clients.size }));
    socket.on('message', (data, isBinary) => {
      let message;
      try {
        message = isBinary ? undefined : JSON.parse(String(data));
      } catch {
        message = undefined;
      }
      if (message?.type === 'echo') {
        socket.send(JSON.stringify({ type: 'echo', text: message.text, worker }));
      } else if (message?.type === 'broadcast') {
        const out = JSON.stringify({ type: 'broadcast', text: message.text, worker });
        for (const client of sockets.clients) client.send(out);
      } else {
        socket.send(
          JSON.stringify({ type: 'error', error: 'expected JSON with type echo or broadcast', worker }),
        );
      }
    });
  });

  server.listen(port, '127.0.0.1');
}
