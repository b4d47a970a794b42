// A Socket.IO 4 server whose broadcasts cross workers and hosts through Redis (@socket.io/redis-adapter 8 on the
// `redis` 5 client), for `shoal run` on several hosts: an ordinary app that knows nothing about clusters.
//
//   REDIS_URL=redis://127.0.0.1:6379 HOST_NAME=a HOST=127.0.0.2 PORT=8001 \
//     node packages/cli/dist/bin.js run apps/examples/src/socketio-redis-app.js -i 2
//
// A client is greeted with `hello` ({ host, worker, pid }: who serves it); when it emits `shout` with a payload,
// the worker serving it broadcasts `news` ({ ...payload, from: { host, worker } }) to every client of every worker
// on every host. WebSocket transport only: long polling needs sticky routing, which round robin does not give.
// See apps/examples/MULTI-HOST.md.

import http from 'node:http';
import process from 'node:process';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import { Server } from 'socket.io';

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 8000);
const me = { host: process.env.HOST_NAME ?? host, worker: process.env.NODE_APP_INSTANCE ?? '-' };

const pub = createClient({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
const sub = pub.duplicate();
for (const client of [pub, sub]) client.on('error', (error) => console.error(`redis: ${error.message}`));
await Promise.all([pub.connect(), sub.connect()]);

const server = http.createServer((_request, response) => {
  response.writeHead(404).end();
});
const io = new Server(server, { transports: ['websocket'], adapter: createAdapter(pub, sub) });

// The adapter subscribes without telling when Redis has confirmed it. Redis answers one connection's commands in
// order, so once a subscription sent after the adapter's is confirmed, the adapter's are too: only then does this
// worker listen (and count as ready), so no broadcast sent after every worker is ready can miss it.
await sub.subscribe('socketio-redis-app:subscribed', () => {});
await sub.unsubscribe('socketio-redis-app:subscribed');

io.on('connection', (socket) => {
  socket.emit('hello', { ...me, pid: process.pid });
  socket.on('shout', (payload) => {
    io.emit('news', { ...payload, from: me });
  });
});

server.listen(port, host, () => {
  const address = server.address();
  console.log(`socket.io listening on http://${address.address}:${address.port}`);
});
