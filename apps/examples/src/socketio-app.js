// A plain Socket.IO 4 server that names the process serving each request, so long polling's stickiness can be
// watched: it listens on PORT (default 8000) on HOST (default 127.0.0.1), one process or many.
//
//   node apps/examples/src/socketio-app.js                                   # one process
//   node packages/cli/dist/bin.js run apps/examples/src/socketio-app.js -i 3 --route-by query:sid,cookie:io
//
// Every engine.io HTTP response carries `x-worker` (the pid); the `echo` event is acknowledged with the worker
// (pid, and NODE_APP_INSTANCE / cluster worker id when there are any) and the transport it came over.
import cluster from 'node:cluster';
import http from 'node:http';
import { createRequire } from 'node:module';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { Server } from 'socket.io';
import { report } from './report.js';

// In an app of your own: `import { claim } from '@shoal/worker'`. This examples package lists only
// @shoal/cluster, which depends on @shoal/worker, so it is found from there.
const requireFromCluster = createRequire(createRequire(import.meta.url).resolve('@shoal/cluster'));
const { claim } = await import(pathToFileURL(requireFromCluster.resolve('@shoal/worker')).href);

const port = Number(process.env.PORT ?? 8000);
const host = process.env.HOST ?? '127.0.0.1';
const worker = {
  pid: process.pid,
  index: process.env.NODE_APP_INSTANCE ?? null,
  id: cluster.worker?.id ?? null,
};

const server = http.createServer();
// The `io` cookie holds the session id too: `--route-by cookie:io` can route a request that has no `sid`.
const io = new Server(server, { cookie: { name: 'io', path: '/', httpOnly: true, sameSite: 'lax' } });

// Long polling spreads one session over many HTTP requests, each possibly on a new connection, and only the
// process that created the session knows it (any other answers 400 "Session ID unknown"). The handshake has
// no id yet, so the primary places it by load; the worker it reaches claims the id it creates before engine.io
// writes the response that tells the client that id. The claim leaves on the IPC channel before the response
// leaves on the socket, so the primary has it before the client can send its next request, and every request
// with `sid=<id>` (or the cookie) comes here. Outside a Shoal worker claim() does nothing and returns false.
const createId = io.engine.generateId.bind(io.engine);
io.engine.generateId = (request) => {
  const id = createId(request);
  claim(id);
  return id;
};

// Connections stay kept alive: when a browser's tabs (or a proxy) share one pool, and a connection opened for one
// session carries another session's poll, Shoal's worker runtime sends that request to the session's worker.
io.engine.on('headers', (headers) => {
  headers['x-worker'] = String(process.pid);
});

io.on('connection', (socket) => {
  socket.on('echo', (payload, ack) => {
    if (typeof ack === 'function') ack({ worker, transport: socket.conn.transport.name, payload });
  });
});

server.listen(port, host, () => {
  const address = server.address();
  console.log(`socket.io listening on http://${address.address}:${address.port}`);
  report('socketio-listening', { port: address.port, worker });
});
