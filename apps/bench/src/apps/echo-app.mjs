// IPC echo between the primary and one worker — the scenario of Node's benchmark/cluster/echo.js, written
// anew and bounded by time: each round the primary sends SENDS messages and waits for all their echoes.
//
//   env: CLUSTER_MODULE, PAYLOAD (string | object), SERIALIZATION (json | advanced), SENDS (1 | 10),
//        WARMUP_MS, DURATION_MS
//   stdout: {"event":"result","messages":…,"rounds":…,"seconds":…,"messagesPerSecond":…}
import { performance } from 'node:perf_hooks';
import process from 'node:process';

const { default: cluster } = await import(process.env.CLUSTER_MODULE ?? 'node:cluster');

if (cluster.isPrimary) {
  const payload =
    process.env.PAYLOAD === 'object' ? { action: 'pewpewpew', powerLevel: 9001 } : 'hello world!';
  const sends = Number(process.env.SENDS ?? 1);
  const warmupMs = Number(process.env.WARMUP_MS ?? 200);
  const durationMs = Number(process.env.DURATION_MS ?? 1000);
  cluster.setupPrimary({ serialization: process.env.SERIALIZATION ?? 'json' });

  const worker = cluster.fork();
  let measuring = false;
  let startedAt = 0;
  let until = 0;
  let rounds = 0;
  let awaiting = 0;

  const round = () => {
    const now = performance.now();
    if (!measuring && now >= until) {
      measuring = true;
      startedAt = now;
      until = now + durationMs;
      rounds = 0;
    } else if (measuring && now >= until) {
      const seconds = (now - startedAt) / 1000;
      const messages = rounds * sends;
      process.stdout.write(
        `${JSON.stringify({ event: 'result', messages, rounds, seconds, messagesPerSecond: messages / seconds })}\n`,
      );
      worker.process.kill('SIGKILL');
      process.exit(0);
    }
    awaiting = sends;
    for (let i = 0; i < sends; i++) worker.send(payload);
  };

  const onEcho = () => {
    if (--awaiting === 0) {
      rounds++;
      round();
    }
  };
  // Not on 'online': that comes before the worker's module (with its top-level await) has a listener.
  worker.once('message', () => {
    worker.on('message', onEcho);
    until = performance.now() + warmupMs;
    round();
  });
} else {
  process.on('message', (message) => process.send(message));
  process.send('ready');
}
