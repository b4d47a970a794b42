// One "host" of a multi-host deployment, for `shoal run` behind a load balancer: an ordinary HTTP server that
// listens on HOST:PORT and answers with the host's name, the worker's index and the client it sees
// (`req.socket.remoteAddress`/`remotePort`), so a test (or curl) through the load balancer sees which host and
// which worker served each request, and whether the PROXY protocol brought the client's address.
//
//   HOST_NAME=a HOST=127.0.0.2 PORT=8001 node packages/cli/dist/bin.js run apps/examples/src/host-app.js -i 2 \
//     --metrics 127.0.0.2:9101 --name host-a
//   curl -s http://127.0.0.2:8001/        # "a 0 client 127.0.0.1 51234 (pid 4242)"; /readyz on port 9101 is the
//                                         # health check
//
// See apps/examples/MULTI-HOST.md for HAProxy in front of two of them.

import http from 'node:http';
import process from 'node:process';

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 8000);
const hostName = process.env.HOST_NAME ?? host;
const worker = process.env.NODE_APP_INSTANCE ?? '-';

const server = http.createServer((request, response) => {
  const { remoteAddress, remotePort } = request.socket;
  response.setHeader('content-type', 'text/plain; charset=utf-8');
  response.end(`${hostName} ${worker} client ${remoteAddress} ${remotePort} (pid ${process.pid})\n`);
});

server.listen(port, host, () => {
  const address = server.address();
  console.log(`listening on http://${address.address}:${address.port}`);
});
