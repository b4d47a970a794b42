// Scenarios 3 and 4, per strategy: how evenly requests and connections spread over the workers (with and
// without keep-alive), and the latency of fast requests mixed with CPU-heavy ones (a new connection per
// request, so the strategy picks a worker for each). node:cluster only has `rr` and `none`.
import { coefficientOfVariation, maxOverMin, median, summarize } from '../stats.mjs';
import { httpRun } from './http-run.mjs';

export const WORKERS = 4;
const CONNECTIONS = 50;
/** One request in this many is GET /heavy, which spins the worker's CPU for HEAVY_MS (20 ms). */
export const HEAVY_EVERY = 20;

export const STRATEGY_RUNS = [
  { side: 'node', strategy: 'rr' },
  { side: 'node', strategy: 'none' },
  { side: 'shoal', strategy: 'rr' },
  { side: 'shoal', strategy: 'none' },
  { side: 'shoal', strategy: 'least-connections' },
  { side: 'shoal', strategy: 'power-of-two' },
  { side: 'shoal', strategy: 'reuseport' },
];

export async function fairnessScenario(config, { log }) {
  const rows = [];
  for (const keepAlive of [true, false]) {
    for (const { side, strategy } of STRATEGY_RUNS) {
      rows.push({ side, strategy, keepAlive, runs: [] });
    }
  }
  // Repetitions go round every configuration in turn, so drift in the machine's load spreads over all.
  for (let rep = 0; rep < config.fairness.repetitions; rep++) {
    for (const row of rows) {
      const run = await httpRun(config, {
        side: row.side,
        strategy: row.strategy,
        workers: WORKERS,
        connections: CONNECTIONS,
        keepAlive: row.keepAlive,
        warmupS: config.fairness.warmupS,
        durationS: config.fairness.durationS,
      });
      const requests = run.perWorker.map((worker) => worker.requests);
      const connections = run.perWorker.map((worker) => worker.connections);
      row.runs.push({
        strategyInForce: run.strategyInForce,
        rps: run.rps,
        requests,
        connections,
        requestsMaxOverMin: maxOverMin(requests),
        requestsCv: coefficientOfVariation(requests),
        connectionsMaxOverMin: maxOverMin(connections),
        connectionsCv: coefficientOfVariation(connections),
        errors: run.errors,
        generatorCpuShare: run.generatorCpuShare,
        otherCpuShare: run.otherCpuShare,
      });
    }
    log(`repetition ${rep + 1}/${config.fairness.repetitions} done`);
  }
  return {
    title: 'fairness: per-worker requests and connections',
    workers: WORKERS,
    connections: CONNECTIONS,
    rows: rows.map((row) => ({
      side: row.side,
      strategy: row.strategy,
      keepAlive: row.keepAlive,
      rps: median(row.runs.map((run) => run.rps)),
      requestsMaxOverMin: median(row.runs.map((run) => run.requestsMaxOverMin)),
      requestsCv: median(row.runs.map((run) => run.requestsCv)),
      connectionsMaxOverMin: median(row.runs.map((run) => run.connectionsMaxOverMin)),
      connectionsCv: median(row.runs.map((run) => run.connectionsCv)),
      runs: row.runs,
    })),
  };
}

export async function skewedScenario(config, { log }) {
  const rows = STRATEGY_RUNS.map(({ side, strategy }) => ({ side, strategy, runs: [] }));
  for (let rep = 0; rep < config.skewed.repetitions; rep++) {
    for (const row of rows) {
      const run = await httpRun(config, {
        side: row.side,
        strategy: row.strategy,
        workers: WORKERS,
        connections: CONNECTIONS,
        keepAlive: false,
        heavyEvery: HEAVY_EVERY,
        warmupS: config.skewed.warmupS,
        durationS: config.skewed.durationS,
      });
      row.runs.push({
        strategyInForce: run.strategyInForce,
        rps: run.rps,
        p50Ms: run.latencyMs.p50,
        p99Ms: run.latencyMs.p99,
        maxMs: run.latencyMs.max,
        heavyPerWorker: run.perWorker.map((worker) => worker.heavy),
        requestsPerWorker: run.perWorker.map((worker) => worker.requests),
        errors: run.errors,
        generatorCpuShare: run.generatorCpuShare,
        otherCpuShare: run.otherCpuShare,
      });
    }
    log(`repetition ${rep + 1}/${config.skewed.repetitions} done`);
  }
  return {
    title: `skewed work: 1 request in ${HEAVY_EVERY} spins ~20 ms, a new connection per request`,
    workers: WORKERS,
    connections: CONNECTIONS,
    heavyEvery: HEAVY_EVERY,
    rows: rows.map((row) => ({
      side: row.side,
      strategy: row.strategy,
      rps: median(row.runs.map((run) => run.rps)),
      p50Ms: summarize(row.runs.map((run) => run.p50Ms)),
      p99Ms: summarize(row.runs.map((run) => run.p99Ms)),
      runs: row.runs,
    })),
  };
}
