// The Socket.IO program under test for the sticky comparison (issue 12): one app, run three ways by VARIANT —
// `socketio-sticky` (node:cluster + @socket.io/sticky, as its README sets it up), `shoal-sticky` (@shoal/cluster,
// consistent-hash routed by the `sid` query parameter, each new session's id claimed by its worker) and
// `shoal-rr` (@shoal/cluster's default round robin). Besides Socket.IO it answers a plain GET on any other path.
//
//   env: VARIANT, WORKERS (2), PORT (0), STICKY_LOAD_BALANCING (round-robin), BENCH_DEPS_FROM (a file whose
//        node_modules hold socket.io and @socket.io/sticky: the frozen copy of this file has none of its own)
//   stdin commands: {"cmd":"reset"}, {"cmd":"stats"}, {"cmd":"exit"} (as http-app.mjs)
//   stdout events: ready {port, primaryPid, workerPids, startupMs, variant}, reset, stats {workers}, error {message}
import http from 'node:http';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

const VARIANTS = ['socketio-sticky', 'shoal-sticky', 'shoal-rr'];
const variant = process.env.VARIANT ?? 'shoal-sticky';
if (!VARIANTS.includes(variant)) throw new Error(`VARIANT must be one of ${VARIANTS.join(', ')}`);
const onShoal = variant !== 'socketio-sticky';
const requireDep = createRequire(process.env.BENCH_DEPS_FROM ?? import.meta.url);

const { default: cluster } = await import(onShoal ? '@shoal/cluster' : 'node:cluster');

function emit(event) {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

if (cluster.isPrimary) runPrimary();
else await runWorker();

function runPrimary() {
  const count = Number(process.env.WORKERS ?? 2);
  const startedAt = performance.now();
  let port;
  let up = 0;
  let exiting = false;
  const maybeReady = () => {
    if (port === undefined || up < count) return;
    const workerPids = Object.values(cluster.workers).map((worker) => worker.process.pid);
    const startupMs = performance.now() - startedAt;
    emit({ event: 'ready', port, primaryPid: process.pid, workerPids, startupMs, variant });
  };

  if (variant === 'socketio-sticky') {
    // @socket.io/sticky's documented set-up: the primary owns the listening server and reads each connection's
    // first request itself; Buffers must survive IPC, hence `advanced` serialization. Round robin places new
    // sessions: its default, least-connection, counts sessions only once workers report them, so clients that
    // connect at once all land on the first worker (STICKY_LOAD_BALANCING picks another method).
    const { setupMaster } = requireDep('@socket.io/sticky');
    const httpServer = http.createServer();
    setupMaster(httpServer, { loadBalancingMethod: process.env.STICKY_LOAD_BALANCING ?? 'round-robin' });
    cluster.setupPrimary({ serialization: 'advanced' });
    httpServer.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
      port = httpServer.address().port;
      maybeReady();
    });
  } else {
    if (variant === 'shoal-sticky') {
      cluster.setupPrimary({ strategy: 'consistent-hash', strategyOptions: { routeBy: ['query:sid'] } });
    }
    cluster.on('listening', (_worker, address) => {
      port = address.port;
      maybeReady();
    });
  }
  cluster.on('message', (_worker, message) => {
    if (message?.bench !== 'up') return;
    up++;
    maybeReady();
  });
  cluster.on('exit', (worker, code, signal) => {
    if (!exiting) emit({ event: 'error', message: `worker ${worker.id} exited (${signal ?? code})` });
  });

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
      // Workers exit by themselves first (so that --cpu-prof writes their profiles too), killed after 1.5 s.
      exiting = true;
      const workers = Object.values(cluster.workers);
      let left = workers.length;
      const done = () => {
        for (const worker of Object.values(cluster.workers)) worker.process.kill('SIGKILL');
        process.exit(0);
      };
      setTimeout(done, 1_500).unref();
      if (left === 0) done();
      for (const worker of workers) {
        worker.process.once('exit', () => {
          if (--left === 0) done();
        });
        worker.send({ bench: 'exit' });
      }
    }
  });
  process.stdin.on('end', () => process.exit(0));

  for (let i = 0; i < count; i++) cluster.fork();
}

async function runWorker() {
  const { Server } = requireDep('socket.io');
  const counters = { requests: 0, plain: 0, plainOwnSession: 0, sessions: 0, acks: 0, connections: 0 };
  const httpServer = http.createServer((req, res) => {
    // The plain route (Socket.IO answers /socket.io/ before this listener). `own` tells whether the session its
    // `sid` names lives in this worker: the routing got it right.
    counters.plain++;
    const sid = new URL(req.url, 'http://x').searchParams.get('sid');
    if (sid !== null && io.engine.clients[sid] !== undefined) counters.plainOwnSession++;
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('hello world\n');
  });
  httpServer.on('connection', () => {
    counters.connections++;
  });
  const io = new Server(httpServer);
  // After Socket.IO's own listener went on: every request, its own included.
  httpServer.prependListener('request', () => {
    counters.requests++;
  });
  io.on('connection', (socket) => {
    counters.sessions++;
    socket.on('echo', (payload, ack) => {
      counters.acks++;
      if (typeof ack === 'function') ack(payload);
    });
  });

  if (variant === 'socketio-sticky') {
    requireDep('@socket.io/sticky').setupWorker(io);
  } else {
    if (variant === 'shoal-sticky') {
      // The worker that creates a session claims its id, so every later request carrying `sid=<id>` comes back
      // here; the claim reaches the primary before the handshake's reply reaches the client.
      const { claim } = await shoalWorkerApi();
      const generate = io.engine.generateId.bind(io.engine);
      io.engine.generateId = (req) => {
        const id = generate(req);
        claim(id);
        return id;
      };
    }
    httpServer.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
  }

  process.on('message', (message) => {
    if (message?.bench === 'reset') {
      for (const key of Object.keys(counters)) counters[key] = 0;
      process.send({ bench: 'reset' });
    } else if (message?.bench === 'exit') {
      process.exit(0);
    } else if (message?.bench === 'stats') {
      const live = io.engine.clientsCount;
      process.send({ bench: 'stats', pid: process.pid, ...counters, liveSessions: live });
    }
  });
  process.send({ bench: 'up' });
}

/** @shoal/worker as @shoal/cluster resolves it: the same copy whose runtime the primary preloads into workers. */
async function shoalWorkerApi() {
  const fromCluster = createRequire(import.meta.resolve('@shoal/cluster'));
  return import(pathToFileURL(fromCluster.resolve('@shoal/worker')).href);
}
