// Seed example for `shoal run`: an ordinary, unmodified HTTP server — nothing in it knows about clusters.
//
//   node packages/cli/dist/bin.js run apps/examples/src/hello-app.js      # what `pnpm start` runs
//   node apps/examples/src/hello-app.js                                 # the same app, one process
//
// Under `shoal run` every worker runs this file and they share port 8000 (PORT overrides). Each response names
// the worker that served it (`x-worker` header: its index and pid), so you can watch requests spread:
//
//   curl -si http://127.0.0.1:8000/

import http from 'node:http';
import process from 'node:process';

const port = Number(process.env.PORT ?? 8000);
const worker = `${process.env.NODE_APP_INSTANCE ?? '-'} (pid ${process.pid})`;

const server = http.createServer((_request, response) => {
  response.setHeader('content-type', 'text/plain; charset=utf-8');
  response.setHeader('x-worker', worker);
  response.end('hello world\n');
});

server.listen(port, () => {
  const { port: actual } = server.address();
  console.log(`listening on http://127.0.0.1:${actual}`);
});
