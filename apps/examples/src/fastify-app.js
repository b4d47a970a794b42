// An ordinary Fastify 5 app that knows nothing about clusters: it listens on PORT (default 8000) and names the
// process that answered, so `shoal run` and `fastify-cluster.js` can show requests spread over their workers.
//
//   node packages/cli/dist/bin.js run apps/examples/src/fastify-app.js -i 2
//   curl -s http://127.0.0.1:8000/greet/ada
//   curl -s -H 'content-type: application/json' -d '{"n":1}' http://127.0.0.1:8000/echo
//
// Its routes and answers are those of `express-app.js`. The host is given as 127.0.0.1: Fastify's default,
// `localhost`, can make it listen twice (127.0.0.1 and ::1), two listen sockets for a cluster to share.
import process from 'node:process';
import Fastify from 'fastify';

const port = Number(process.env.PORT ?? 8000);
const worker = { pid: process.pid, index: process.env.NODE_APP_INSTANCE ?? null };

const app = Fastify();
app.addHook('onSend', async (_request, reply) => {
  reply.header('x-worker', String(process.pid));
});

app.get('/', async () => ({ worker }));

app.get('/greet/:name', async (request) => ({ worker, greeting: `hello, ${request.params.name}` }));

// Fastify gives the rest of the URL after `*` as one string.
app.get('/files/*', async (request) => ({ worker, segments: request.params['*'].split('/') }));

app.post('/echo', async (request, reply) => {
  reply.code(201);
  return { worker, received: request.body };
});

const address = await app.listen({ port, host: '127.0.0.1' });
console.log(`listening on ${address}`);
