// autocannon in a process of its own for the sticky comparison: a new connection per request (the server closes
// each: `Connection: close`), each request on the next of `paths`; prints one JSON line as autocannon-child.mjs.
//   node autocannon-paths-child.mjs '{"url":"http://127.0.0.1:8000","connections":50,"durationS":5,"paths":[...]}'
import process from 'node:process';
import autocannon from 'autocannon';

const options = JSON.parse(process.argv[2]);
let sent = 0;
const result = await autocannon({
  url: options.url,
  connections: options.connections,
  duration: options.durationS,
  pipelining: 1,
  timeout: 10,
  headers: { connection: 'close' },
  requests: [
    {
      method: 'GET',
      // Counted over all connections, as each connection carries one request.
      setupRequest: (request) => ({ ...request, path: options.paths[sent++ % options.paths.length] }),
    },
  ],
});
// The whole process's CPU time, start-up included, as wrk's figure is: the runner counts it apart from the rest.
const cpu = process.cpuUsage();

process.stdout.write(
  `AUTOCANNON_JSON ${JSON.stringify({
    requests: result.requests.total,
    durationS: result.duration,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    cpuMs: (cpu.user + cpu.system) / 1000,
  })}\n`,
);
