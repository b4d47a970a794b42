// Seed example: a clustered "hello world" HTTP server.
//
//   node apps/examples/src/hello-world.js            # port 8000, one worker per core
//   PORT=0 WORKERS=2 node apps/examples/src/hello-world.js
//
// The primary forks the workers and reports when one exits; every worker runs the same HTTP server and
// the cluster shares one listening port between them. Each response names the worker that served it in
// an `x-worker-pid` header, so you can watch requests being spread across workers:
//
//   curl -si http://127.0.0.1:8000/

import http from 'node:http';
import os from 'node:os';
import process from 'node:process';
import cluster from '@shoal/cluster';

function intFromEnv(name, fallback, min) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    console.error(`${name} must be an integer >= ${min}, got ${JSON.stringify(raw)}`);
    process.exit(1);
  }
  return value;
}

const port = intFromEnv('PORT', 8000, 0);

if (cluster.isPrimary) {
  const count = intFromEnv('WORKERS', os.availableParallelism(), 1);
  console.log(`Primary ${process.pid} is running`);

  cluster.on('exit', (worker, code, signal) => {
    const how = signal ? `signal ${signal}` : `code ${code}`;
    console.log(`Worker ${worker.process.pid} exited (${how})`);
  });

  for (let i = 0; i < count; i++) cluster.fork();
} else {
  const server = http.createServer((_req, res) => {
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    res.setHeader('x-worker-pid', String(process.pid));
    res.end('hello world\n');
  });

  console.log(`Worker ${process.pid} started`);
  server.listen(port, () => {
    const { port: actual } = server.address();
    console.log(`Worker ${process.pid} listening on http://127.0.0.1:${actual}`);
  });
}
