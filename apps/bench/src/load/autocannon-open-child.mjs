// autocannon in a process of its own that loads until SIGINT (open-load.mjs), then prints one JSON line: what
// it measured and this process's CPU time.
//   node autocannon-open-child.mjs '{"url":"http://127.0.0.1:8000/","connections":50,"durationS":600,"keepAlive":true}'
import process from 'node:process';
import autocannon from 'autocannon';

const options = JSON.parse(process.argv[2]);
const cpuBefore = process.cpuUsage();
const instance = autocannon({
  url: options.url,
  connections: options.connections,
  duration: options.durationS,
  pipelining: 1,
  timeout: 10,
  // A new connection per request: the server closes it and autocannon reconnects (see autocannon-child.mjs).
  ...(options.keepAlive ? {} : { headers: { connection: 'close' } }),
});
let resets = 0;
instance.on('reqError', (error) => {
  if (error?.code === 'ECONNRESET') resets++;
});
process.once('SIGINT', () => instance.stop());
process.stdout.write('started\n');
const result = await instance;
const cpu = process.cpuUsage(cpuBefore);
process.stdout.write(
  `AUTOCANNON_JSON ${JSON.stringify({
    requests: result.requests.total,
    durationS: result.duration,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    resets,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    cpuMs: (cpu.user + cpu.system) / 1000,
  })}\n`,
);
