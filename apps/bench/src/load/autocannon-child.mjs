// Runs autocannon in a process of its own (so its CPU is not the runner's and can be measured), then prints
// one JSON line: what it measured and the CPU time this process spent.
//   node autocannon-child.mjs '{"url":"http://127.0.0.1:8000/","connections":50,"durationS":5,...}'
import process from 'node:process';
import autocannon from 'autocannon';

const options = JSON.parse(process.argv[2]);
// One request in `heavyEvery` is GET /heavy, counted over all connections: a per-connection sequence
// would restart at its first request on every new connection when each connection carries one request.
let sent = 0;
const requests =
  options.heavyEvery > 0
    ? [
        {
          method: 'GET',
          path: '/',
          setupRequest: (request) => ({
            ...request,
            path: ++sent % options.heavyEvery === 0 ? '/heavy' : '/',
          }),
        },
      ]
    : [];

const cpuBefore = process.cpuUsage();
const result = await autocannon({
  url: options.url,
  connections: options.connections,
  duration: options.durationS,
  pipelining: 1,
  timeout: 10,
  // A new connection for every request: the server closes it and autocannon reconnects. (Its
  // `reconnectRate: 1` counted no responses at all with autocannon 8.)
  ...(options.keepAlive ? {} : { headers: { connection: 'close' } }),
  ...(requests.length > 0 ? { requests } : {}),
});
const cpu = process.cpuUsage(cpuBefore);

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
