// One "host" of a multi-host deployment, for `shoal run` behind a load balancer: an ordinary HTTP server that
// listens on HOST:PORT and answers with the host's name and the worker's index, so a test (or curl) through the
// load balancer sees which host and which worker served each request.
//
//   HOST_NAME=a HOST=127.0.0.2 PORT=8001 node packages/cli/dist/bin.js run apps/examples/src/host-app.js -i 2 \
//     --metrics 127.0.0.2:9101 --name host-a
//   curl -s http://127.0.0.2:8001/        # "a 0 (pid 4242)"; /readyz on port 9101 is the health check
//
// See apps/examples/MULTI-HOST.md for HAProxy in front of two of them.

import http from 'node:http';
import process from 'node:process';

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 8000);
const hostName = process.env.HOST_NAME ?? host;
const body = `${hostName} ${process.env.NODE_APP_INSTANCE ?? '-'} (pid ${process.pid})\n`;

const server = http.createServer((_request, response) => {
  response.setHeader('content-type', 'text/plain; charset=utf-8');
  response.end(body);
});

server.listen(port, host, () => {
  const address = server.address();
  console.log(`listening on http://${address.address}:${address.port}`);
});
