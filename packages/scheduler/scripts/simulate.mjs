// Figures for the README, from discrete-event simulations of the built package (pure logic, no sockets):
//   npx tsc -b packages/scheduler && node packages/scheduler/scripts/simulate.mjs
// 1. share of 1e5 connections among 8 identical workers, per strategy;
// 2. keys moved under consistent-hash when a 9th worker joins (and when one leaves);
// 3. queue wait with one slow worker, for round-robin, least-connections and power-of-two.
// Every run is seeded: the same command prints the same figures.
import { ConsistentHashStrategy, Dispatcher, PowerOfTwoStrategy, resolveStrategy } from '../dist/index.js';

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
function seeded(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const exponential = (random, mean) => -Math.log(1 - random()) * mean;

/** Zipf(s) over n ranks, by inverse CDF. */
function zipf(random, n, s) {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let k = 1; k <= n; k++) {
    sum += 1 / k ** s;
    cdf[k - 1] = sum;
  }
  return () => {
    const u = random() * sum;
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (cdf[middle] < u) low = middle + 1;
      else high = middle;
    }
    return low;
  };
}

/** A min-heap of timed events; ties keep insertion order. */
class Events {
  #heap = [];
  #seq = 0;
  push(time, run) {
    const heap = this.#heap;
    const event = { time, seq: this.#seq++, run };
    heap.push(event);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(event, heap[parent])) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = event;
  }
  pop() {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= heap.length) break;
        const right = left + 1;
        const child = right < heap.length && before(heap[right], heap[left]) ? right : left;
        if (!before(heap[child], last)) break;
        heap[i] = heap[child];
        i = child;
      }
      heap[i] = last;
    }
    return top;
  }
  get size() {
    return this.#heap.length;
  }
}
const before = (a, b) => a.time < b.time || (a.time === b.time && a.seq < b.seq);

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/**
 * One listen socket, N single-threaded workers serving one request per connection, FIFO.
 * - A hand-off reaches the worker `ipc` ms after the primary sends it.
 * - ackMode 'prompt': the worker accepts at once, even mid-request (its event loop turns between chunks of
 *   work); 'after-task': it accepts only when the request it is running ends (a CPU-bound handler).
 * - On accepting, the worker acks and reports its live connections; on finishing a request (then closing the
 *   connection) it reports again — as @shoal/worker does once per event-loop turn with changes. Both reach
 *   the primary `ipc` ms later, in order: the dispatcher only knows what those reports tell it.
 * `clients`, if given, draws the client (an index) of each connection; its address is the sticky key.
 * Returns per-worker hand-off counts and the waits (arrival at the primary → start of service).
 */
function simulate({
  strategy,
  serviceMean,
  rate,
  connections,
  ipc = 0.03,
  ackMode = 'prompt',
  clients,
  seed,
}) {
  const random = seeded(seed);
  const events = new Events();
  let now = 0;
  const state = serviceMean.map((mean, index) => ({
    id: index + 1,
    mean,
    busy: false,
    inbox: [],
    fifo: [],
    live: 0,
    handed: 0,
  }));
  const arrivedAt = new Map();
  const waits = [];
  const dispatcher = new Dispatcher({
    strategy,
    handOff(id, connection) {
      state[id - 1].handed++;
      events.push(now + ipc, () => deliver(state[id - 1], connection));
    },
    close() {
      throw new Error('no worker refuses in this simulation');
    },
  });
  for (const worker of state) dispatcher.addWorker(worker.id);

  const report = (worker) => {
    const live = worker.live;
    events.push(now + ipc, () => dispatcher.reportLoad(worker.id, { connections: live, requests: 0 }));
  };
  const accept = (worker) => {
    for (const connection of worker.inbox) {
      worker.fifo.push(connection);
      worker.live++;
      events.push(now + ipc, () => dispatcher.settle(worker.id, connection, true));
    }
    if (worker.inbox.length > 0) report(worker);
    worker.inbox.length = 0;
  };
  const startNext = (worker) => {
    if (worker.busy || worker.fifo.length === 0) return;
    const connection = worker.fifo.shift();
    waits.push(now - arrivedAt.get(connection));
    arrivedAt.delete(connection);
    worker.busy = true;
    events.push(now + exponential(random, worker.mean), () => complete(worker));
  };
  const deliver = (worker, connection) => {
    worker.inbox.push(connection);
    if (ackMode === 'prompt' || !worker.busy) accept(worker);
    startNext(worker);
  };
  const complete = (worker) => {
    worker.busy = false;
    worker.live--;
    report(worker);
    accept(worker);
    startNext(worker);
  };

  let routed = 0;
  const arrive = () => {
    const connection = routed++;
    arrivedAt.set(connection, now);
    const client = clients?.();
    const remoteAddress = client === undefined ? undefined : `10.0.${client >> 8}.${client & 255}`;
    dispatcher.route(connection, { key: 'server', remoteAddress });
    if (routed < connections) events.push(now + exponential(random, 1000 / rate), arrive);
  };
  events.push(0, arrive);
  while (events.size > 0) {
    const event = events.pop();
    now = event.time;
    event.run();
  }
  waits.sort((a, b) => a - b);
  return { handed: state.map((worker) => worker.handed), waits };
}

const fmt = (value, digits = 2) => value.toFixed(digits);
const ms = (value) => (value >= 100 ? `${fmt(value / 1000, 1)} s` : `${fmt(value, value < 1 ? 3 : 2)} ms`);

// 1. Share of 1e5 connections, 8 identical workers (1 ms mean service, 70 % load, reports as above).
console.log('## Share of 100 000 connections among 8 identical workers\n');
console.log(
  'Poisson arrivals at 5 600/s (70 % of capacity), exponential 1 ms requests, 30 µs IPC, prompt acks.\n',
);
console.log('| strategy | clients | min share | max share | max/min |');
console.log('|---|---|---|---|---|');
const shareRuns = [
  ['round-robin', () => resolveStrategy('round-robin'), 'any'],
  ['least-connections', () => resolveStrategy('least-connections'), 'any'],
  ['power-of-two', () => new PowerOfTwoStrategy({ random: seeded(11) }), 'any'],
  ['weighted-round-robin (equal weights)', () => resolveStrategy('weighted-round-robin'), 'any'],
  ['consistent-hash', () => resolveStrategy('consistent-hash'), '10 000, uniform'],
  ['consistent-hash', () => resolveStrategy('consistent-hash'), '10 000, Zipf s = 1'],
];
for (const [name, make, clients] of shareRuns) {
  const clientRandom = seeded(5);
  const drawClient = clients.includes('uniform')
    ? () => Math.floor(clientRandom() * 10_000)
    : clients.includes('Zipf')
      ? zipf(clientRandom, 10_000, 1)
      : undefined;
  const { handed } = simulate({
    strategy: make(),
    serviceMean: Array(8).fill(1),
    rate: 5600,
    connections: 100_000,
    clients: drawClient,
    seed: 1,
  });
  const total = handed.reduce((a, b) => a + b, 0);
  const min = Math.min(...handed);
  const max = Math.max(...handed);
  console.log(
    `| ${name} | ${clients} | ${fmt((100 * min) / total)} % | ${fmt((100 * max) / total)} % | ${fmt(max / min, 3)} |`,
  );
}
console.log('| shared | — | not simulated: the kernel decides (Linux is known to skew it) | | |');

// 2. Keys moved under consistent-hash.
console.log('\n## consistent-hash: keys moved when the membership changes\n');
{
  const keys = 100_000;
  const address = (i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  const run = (options) => {
    let target = 0;
    const dispatcher = new Dispatcher({
      strategy: new ConsistentHashStrategy(options),
      handOff: (worker) => {
        target = worker;
      },
      close() {},
    });
    /** Routes one connection per key and closes it at once, so no live load bends the placement. */
    const placeAll = () => {
      const placed = new Int32Array(keys);
      for (let i = 0; i < keys; i++) {
        dispatcher.route(i, { key: 'server', remoteAddress: address(i) });
        dispatcher.settle(target, i, true);
        dispatcher.connectionClosed(target);
        placed[i] = target;
      }
      return placed;
    };
    for (let id = 1; id <= 8; id++) dispatcher.addWorker(id);
    const eight = placeAll();
    dispatcher.addWorker(9);
    const nine = placeAll();
    dispatcher.removeWorker(4);
    const replaced = placeAll();
    const moved = (a, b) => a.reduce((count, worker, i) => count + (worker !== b[i] ? 1 : 0), 0);
    const perWorker = [...new Set(eight)].map((worker) => eight.filter((w) => w === worker).length);
    return {
      joined: moved(eight, nine) / keys,
      onlyToNew: nine.every((worker, i) => worker === eight[i] || worker === 9),
      left: moved(nine, replaced) / keys,
      onlyFromLeft: replaced.every((worker, i) => worker === nine[i] || nine[i] === 4),
      spread: Math.max(...perWorker) / Math.min(...perWorker),
    };
  };
  const fresh = run({ maxKeys: 0 });
  const remembered = run({ maxKeys: Number.POSITIVE_INFINITY });
  console.log(
    `100 000 distinct client addresses, one short connection each (no live load), 160 ring points per worker.\n`,
  );
  console.log(
    '| | keys moved, 8 → 9 workers | keys moved, 9 → 8 (worker 4 leaves) | max/min keys per worker (8) |',
  );
  console.log('|---|---|---|---|');
  console.log(
    `| placement by the ring (no memory, \`maxKeys: 0\`) | ${fmt(100 * fresh.joined)} % (ideal 1/9 = 11.11 %)${fresh.onlyToNew ? ', all to the new worker' : ''} | ${fmt(100 * fresh.left)} % (ideal 1/9)${fresh.onlyFromLeft ? ', only those of worker 4' : ''} | ${fmt(fresh.spread, 3)} |`,
  );
  console.log(
    `| keys remembered (default) | ${fmt(100 * remembered.joined)} % | ${fmt(100 * remembered.left)} %${remembered.onlyFromLeft ? ', only those of worker 4' : ''} | ${fmt(remembered.spread, 3)} |`,
  );
}

// 3. Queue wait with one slow worker.
console.log('\n## Queue wait with one slow worker (7 workers at 1 ms mean per request, 1 at 5 ms)\n');
console.log(
  'Capacity 7 200 requests/s; 100 000 connections of one request each; wait = arrival at the primary → start of service in a worker.\n',
);
console.log('| strategy | acks | load | p50 wait | p99 wait | share of the slow worker |');
console.log('|---|---|---|---|---|---|');
for (const ackMode of ['prompt', 'after-task']) {
  for (const load of [0.7, 0.9]) {
    for (const [name, make] of [
      ['round-robin', () => resolveStrategy('round-robin')],
      ['least-connections', () => resolveStrategy('least-connections')],
      ['power-of-two', () => new PowerOfTwoStrategy({ random: seeded(11) })],
    ]) {
      const { handed, waits } = simulate({
        strategy: make(),
        serviceMean: [1, 1, 1, 1, 1, 1, 1, 5],
        rate: 7200 * load,
        connections: 100_000,
        ackMode,
        seed: 2,
      });
      const total = handed.reduce((a, b) => a + b, 0);
      console.log(
        `| ${name} | ${ackMode} | ${load * 100} % | ${ms(percentile(waits, 0.5))} | ${ms(percentile(waits, 0.99))} | ${fmt((100 * handed[7]) / total, 1)} % |`,
      );
    }
  }
}
