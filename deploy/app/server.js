// The app the deploy/ image runs under `shoal run`: an ordinary HTTP server that knows nothing about clusters.
//
//   GET  /        hello, naming the worker that answered (its index) in the body and the x-worker header
//   POST /upload  answers its headers at once and its body (the byte count) when the client has sent everything:
//                 a request that stays in flight as long as its client wants, to watch a drain finish it
import http from 'node:http';
import process from 'node:process';

const port = Number(process.env.PORT ?? 8080);
const worker = process.env.NODE_APP_INSTANCE ?? '-';

const server = http.createServer((request, response) => {
  response.setHeader('content-type', 'text/plain; charset=utf-8');
  response.setHeader('x-worker', worker);
  if (request.method === 'POST' && request.url === '/upload') {
    let bytes = 0;
    response.writeHead(200);
    response.flushHeaders();
    request.on('data', (chunk) => {
      bytes += chunk.length;
    });
    request.on('end', () => response.end(`received ${bytes} bytes\n`));
    return;
  }
  response.end(`hello from worker ${worker}\n`);
});

server.listen(port, () => console.log(`listening on ${server.address().port}`));
