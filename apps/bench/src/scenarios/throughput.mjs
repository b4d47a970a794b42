// Scenarios 1 and 2: HTTP hello world on 2 workers, 50 connections, round robin — with keep-alive, and with
// a new TCP connection per request (`Connection: close`). node:cluster and Shoal alternate, pair by pair.
// The same runs with Shoal on another strategy (reuseport) against node:cluster's round robin.
import { pairedRatios, summarize } from '../stats.mjs';
import { httpRun } from './http-run.mjs';

const WORKERS = 2;
const CONNECTIONS = 50;

export async function throughputScenario(config, { keepAlive, log, shoalStrategy = 'rr' }) {
  const run = (side) =>
    httpRun(config, {
      side,
      strategy: side === 'shoal' ? shoalStrategy : 'rr',
      workers: WORKERS,
      connections: CONNECTIONS,
      keepAlive,
      warmupS: config.http.warmupS,
      durationS: config.http.durationS,
    });
  for (let i = 0; i < config.warmupPairs; i++) {
    log(`warm-up pair ${i + 1}/${config.warmupPairs}`);
    await run('node');
    await run('shoal');
  }
  const pairs = [];
  // A pair during which something outside the benchmark used the CPU is run again (at most `pairs` times).
  const discarded = [];
  while (pairs.length < config.pairs) {
    const node = await run('node');
    const shoal = await run('shoal');
    const other = Math.max(node.otherCpuShare, shoal.otherCpuShare);
    if (other > config.maxOtherCpuShare && discarded.length < config.pairs) {
      discarded.push({ node, shoal });
      log(
        `pair discarded: ${(other * 100).toFixed(0)} % of a core busy outside the benchmark; running it again`,
      );
      continue;
    }
    const i = pairs.length;
    pairs.push({ node, shoal });
    log(
      `pair ${i + 1}/${config.pairs}: node ${node.rps.toFixed(0)} req/s, shoal ${shoal.rps.toFixed(0)} req/s ` +
        `(${(shoal.rps / node.rps).toFixed(3)})`,
    );
  }
  const side = (name) => ({
    rps: summarize(pairs.map((pair) => pair[name].rps)),
    latencyP99Ms: summarize(pairs.map((pair) => pair[name].latencyMs.p99)),
    errors: pairs.reduce((total, pair) => total + pair[name].errors, 0),
    generatorCpuShare: summarize(pairs.map((pair) => pair[name].generatorCpuShare)),
    primaryCpuMsPer1000Connections: summarize(pairs.map((pair) => pair[name].primaryCpuMsPer1000Connections)),
    strategyInForce: [...new Set(pairs.map((pair) => pair[name].strategyInForce))].join(', '),
    primaryCpuShare: summarize(pairs.map((pair) => pair[name].primaryCpuMs / 1000 / pair[name].durationS)),
    workersCpuShare: summarize(pairs.map((pair) => pair[name].workersCpuMs / 1000 / pair[name].durationS)),
    otherCpuShare: summarize(pairs.map((pair) => pair[name].otherCpuShare)),
  });
  return {
    title: keepAlive ? 'keep-alive HTTP hello world' : 'connection churn (Connection: close)',
    workers: WORKERS,
    connections: CONNECTIONS,
    strategy: { node: 'rr', shoal: shoalStrategy },
    keepAlive,
    node: side('node'),
    shoal: side('shoal'),
    ratio: pairedRatios(pairs, (run) => run.rps),
    primaryCpuPer1000ConnectionsRatio: pairedRatios(pairs, (run) => run.primaryCpuMsPer1000Connections),
    pairs,
    discardedPairs: discarded,
  };
}

/** Scenario 7 from the keep-alive runs: RSS after start-up and after the load. */
export function memoryScenario(keepAliveResult) {
  const { pairs } = keepAliveResult;
  const pick = (name, when, what) => summarize(pairs.map((pair) => pair[name].rss[when][what]));
  const delta = (when, what) =>
    summarize(pairs.map((pair) => pair.shoal.rss[when][what] - pair.node.rss[when][what]));
  const side = (name) => ({
    primaryAfterStartupMb: pick(name, 'afterStartup', 'primaryMb'),
    primaryAfterLoadMb: pick(name, 'afterLoad', 'primaryMb'),
    workerAfterStartupMb: pick(name, 'afterStartup', 'workerMeanMb'),
    workerAfterLoadMb: pick(name, 'afterLoad', 'workerMeanMb'),
  });
  return {
    title: 'memory (RSS, MB) after start-up and after the keep-alive load',
    node: side('node'),
    shoal: side('shoal'),
    // Per pair, Shoal's RSS minus node:cluster's (MB).
    delta: {
      primaryAfterStartupMb: delta('afterStartup', 'primaryMb'),
      primaryAfterLoadMb: delta('afterLoad', 'primaryMb'),
      workerAfterStartupMb: delta('afterStartup', 'workerMeanMb'),
      workerAfterLoadMb: delta('afterLoad', 'workerMeanMb'),
    },
  };
}
