// An ordinary Express 5 app that knows nothing about clusters: it listens on PORT (default 8000) and names the
// process that answered, so `shoal run` and `express-cluster.js` can show requests spread over their workers.
//
//   node packages/cli/dist/bin.js run apps/examples/src/express-app.js -i 2
//   curl -s http://127.0.0.1:8000/greet/ada
//   curl -s -H 'content-type: application/json' -d '{"n":1}' http://127.0.0.1:8000/echo
//
// Every answer carries `x-worker` (the pid) and a `worker` field in its JSON body: the pid, and under
// `shoal run` the worker's index (NODE_APP_INSTANCE).
import process from 'node:process';
import express from 'express';

const port = Number(process.env.PORT ?? 8000);
const worker = { pid: process.pid, index: process.env.NODE_APP_INSTANCE ?? null };

const app = express();
app.use(express.json());
app.use((_request, response, next) => {
  response.set('x-worker', String(process.pid));
  next();
});

app.get('/', (_request, response) => {
  response.json({ worker });
});

app.get('/greet/:name', (request, response) => {
  response.json({ worker, greeting: `hello, ${request.params.name}` });
});

// Express 5 names its wildcards: `*path` collects the rest of the URL, one array entry per segment.
app.get('/files/*path', (request, response) => {
  response.json({ worker, segments: request.params.path });
});

app.post('/echo', (request, response) => {
  response.status(201).json({ worker, received: request.body });
});

const server = app.listen(port, '127.0.0.1', (error) => {
  if (error) throw error;
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
