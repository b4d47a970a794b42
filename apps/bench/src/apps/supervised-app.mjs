// The supervised program under test: `supervise()` from @shoal/supervisor keeping http-app.mjs's workers up (the
// same worker code the other scenarios run), driven like http-app.mjs's primary with JSON lines on stdin.
//
//   env: WORKERS (2), PORT (the workers listen on it; a fixed one, so every replacement shares it), HEARTBEAT_MS
//        (default: the supervisor's own, 500), CLUSTER_MODULE (what the workers import; their primary is this one)
//   stdin commands: reset, stats, exit (as http-app.mjs), reload, kill {index}
//   stdout events: ready {port, primaryPid, workerPids, startupMs, strategy}, reset, stats {workers},
//     reloaded {report}, killed {index, pid, at}, worker-start / worker-ready / worker-exit {index, pid, at, …},
//     restart-scheduled {index, delayMs, at}; `at` is performance.now() in this process, so times compare.
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { supervise } from '@shoal/supervisor';

const emit = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);
const count = Number(process.env.WORKERS ?? 2);
const heartbeatMs = process.env.HEARTBEAT_MS === undefined ? undefined : Number(process.env.HEARTBEAT_MS);

const startedAt = performance.now();
const supervisor = supervise({
  exec: fileURLToPath(new URL('./http-app.mjs', import.meta.url)),
  workers: count,
  ...(heartbeatMs === undefined ? {} : { heartbeat: { intervalMs: heartbeatMs } }),
  // The runner stops this process group itself; the supervisor's own SIGTERM handling would only slow that.
  signals: false,
});

const info = ({ index, pid }) => ({ index, pid, at: performance.now() });
supervisor.on('worker-start', (w) => emit({ event: 'worker-start', ...info(w) }));
supervisor.on('worker-ready', (w) => emit({ event: 'worker-ready', ...info(w) }));
supervisor.on('worker-exit', (w, exit) => emit({ event: 'worker-exit', ...info(w), ...exit }));
supervisor.on('restart-scheduled', (index, delayMs) =>
  emit({ event: 'restart-scheduled', index, delayMs, at: performance.now() }),
);
supervisor.on('crash-loop', (index) => emit({ event: 'error', message: `slot ${index} crash-looped` }));
supervisor.on('hang', (w, report) =>
  emit({ event: 'error', message: `worker ${w.index} counted as hung (${report.silentMs} ms silent)` }),
);

let listenPort = Number(process.env.PORT ?? 0);
supervisor.primary.on('listening', (_worker, address) => {
  listenPort = Number(address.port);
});
supervisor.whenReady().then(
  () => {
    const snapshot = supervisor.snapshot();
    emit({
      event: 'ready',
      port: listenPort,
      primaryPid: process.pid,
      workerPids: snapshot.workers.map((worker) => worker.pid),
      startupMs: performance.now() - startedAt,
      strategy: supervisor.primary.strategy,
    });
  },
  (error) => emit({ event: 'error', message: `not ready: ${error.message}` }),
);

/** Every live worker answers `cmd` once; resolves with their answers. */
function ask(cmd) {
  const workers = Object.values(supervisor.primary.workers);
  return Promise.all(
    workers.map(
      (worker) =>
        new Promise((resolve) => {
          const onMessage = (message) => {
            if (message?.bench !== cmd) return;
            worker.off('message', onMessage);
            resolve(message);
          };
          worker.on('message', onMessage);
          worker.send({ bench: cmd });
        }),
    ),
  );
}

createInterface({ input: process.stdin }).on('line', async (line) => {
  if (line.trim() === '') return;
  const { cmd, index } = JSON.parse(line);
  if (cmd === 'reset') {
    await ask('reset');
    emit({ event: 'reset' });
  } else if (cmd === 'stats') {
    const workers = (await ask('stats')).sort((a, b) => a.pid - b.pid);
    emit({ event: 'stats', primaryRss: process.memoryUsage.rss(), workers });
  } else if (cmd === 'reload') {
    emit({ event: 'reloaded', report: await supervisor.reload() });
  } else if (cmd === 'kill') {
    const target = supervisor.snapshot().workers.find((w) => w.index === index && !w.incoming);
    const at = performance.now();
    process.kill(target.pid, 'SIGKILL');
    emit({ event: 'killed', index, pid: target.pid, at });
  } else if (cmd === 'exit') {
    supervisor.forceStop();
    process.exit(0);
  }
});
process.stdin.on('end', () => process.exit(0));
