// The HTTP program under test: the docs' hello-world cluster, identical for both sides. CLUSTER_MODULE picks
// `node:cluster` or `@shoal/cluster`; the runner drives the primary with JSON lines on stdin and reads JSON
// lines from its stdout.
//
//   env: CLUSTER_MODULE, WORKERS (2), PORT (0), HEAVY_MS (20: how long GET /heavy spins the CPU)
//   stdin commands: {"cmd":"reset"} zero every worker's counters, {"cmd":"stats"} collect them, {"cmd":"exit"}
//   stdout events: ready {port, primaryPid, workerPids, startupMs, strategy}, reset, stats {workers}, error {message}
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { createInterface } from 'node:readline';

const { default: cluster } = await import(process.env.CLUSTER_MODULE ?? 'node:cluster');
const heavyMs = Number(process.env.HEAVY_MS ?? 20);

if (cluster.isPrimary) {
  runPrimary();
} else {
  runWorker();
}

function emit(event) {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

function runPrimary() {
  const count = Number(process.env.WORKERS ?? 2);
  let listening = 0;
  let startedAt = 0;
  let listenPort = 0;

  cluster.on('listening', (_worker, address) => {
    listenPort = address.port;
    if (++listening === count) {
      const startupMs = performance.now() - startedAt;
      const workerPids = Object.values(cluster.workers).map((worker) => worker.process.pid);
      // The strategy in force (Shoal falls back to rr where reuseport is unavailable); Node only has rr/none.
      const strategy = cluster.strategy ?? (cluster.schedulingPolicy === cluster.SCHED_NONE ? 'none' : 'rr');
      emit({ event: 'ready', port: listenPort, primaryPid: process.pid, workerPids, startupMs, strategy });
    }
  });
  cluster.on('exit', (worker, code, signal) => {
    if (!exiting) emit({ event: 'error', message: `worker ${worker.id} exited (${signal ?? code})` });
  });

  // Every worker answers each command once; the primary prints one event when all have.
  let exiting = false;
  function ask(cmd, onAll) {
    const workers = Object.values(cluster.workers);
    const answers = [];
    for (const worker of workers) {
      const onMessage = (message) => {
        if (message?.bench !== cmd) return;
        worker.off('message', onMessage);
        answers.push(message);
        if (answers.length === workers.length) onAll(answers);
      };
      worker.on('message', onMessage);
      worker.send({ bench: cmd });
    }
  }

  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line.trim() === '') return;
    const { cmd } = JSON.parse(line);
    if (cmd === 'reset') ask('reset', () => emit({ event: 'reset' }));
    else if (cmd === 'stats')
      ask('stats', (workers) => {
        workers.sort((a, b) => a.pid - b.pid);
        emit({ event: 'stats', primaryRss: process.memoryUsage.rss(), workers });
      });
    else if (cmd === 'exit') {
      exiting = true;
      for (const worker of Object.values(cluster.workers)) worker.process.kill('SIGKILL');
      process.exit(0);
    }
  });
  process.stdin.on('end', () => process.exit(0));

  startedAt = performance.now();
  for (let i = 0; i < count; i++) cluster.fork();
}

function runWorker() {
  let requests = 0;
  let connections = 0;
  let heavy = 0;

  // The docs' example, plus counting and a CPU-heavy path for the skewed-work scenario.
  const server = http.createServer((req, res) => {
    requests++;
    if (req.url === '/heavy') {
      heavy++;
      const until = performance.now() + heavyMs;
      while (performance.now() < until);
    }
    res.writeHead(200);
    res.end('hello world\n');
  });
  server.on('connection', () => {
    connections++;
  });
  server.listen(Number(process.env.PORT ?? 0));

  process.on('message', (message) => {
    if (message?.bench === 'reset') {
      requests = 0;
      connections = 0;
      heavy = 0;
      process.send({ bench: 'reset' });
    } else if (message?.bench === 'stats') {
      process.send({
        bench: 'stats',
        pid: process.pid,
        requests,
        connections,
        heavy,
        rss: process.memoryUsage.rss(),
      });
    }
  });
}
