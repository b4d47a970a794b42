// Supervision 2: what supervision costs. The same http-app.mjs workers, 2 of them, round robin, 50 connections,
// with and without keep-alive: on an unsupervised @shoal/cluster primary, and under supervise() (worker runtime
// preloaded, heartbeats and metrics every 500 ms, the default). Pairs alternate which side runs first; the
// ratio is supervised/unsupervised per pair. With --control both sides are unsupervised: the noise floor.
import path from 'node:path';
import process from 'node:process';
import { AppProcess } from '../app-process.mjs';
import { runLoad } from '../load/index.mjs';
import { cpuMs, machineBusyMs } from '../proc-stat.mjs';
import { waitForQuiet } from '../quiet.mjs';
import { pairedRatios, summarize } from '../stats.mjs';
import { startSupervised } from '../supervised-cluster.mjs';

const WORKERS = 2;
const CONNECTIONS = 50;

function startApp(config, supervised) {
  if (supervised) return startSupervised(config, { workers: WORKERS });
  return new AppProcess(path.join(config.appsDir, 'http-app.mjs'), {
    env: {
      CLUSTER_MODULE: '@shoal/cluster',
      NODE_CLUSTER_SCHED_POLICY: 'rr',
      WORKERS: String(WORKERS),
      PORT: '0',
    },
    nodeArgs: config.primaryNodeArgs ?? [],
  });
}

async function overheadRun(config, { supervised, keepAlive }) {
  const waitedForQuietS = await waitForQuiet(config);
  const app = await startApp(config, supervised);
  try {
    const { port, primaryPid, workerPids, strategy } = await app.waitFor('ready');
    const load = { port, connections: CONNECTIONS, keepAlive };
    if (config.http.warmupS > 0) await runLoad(config.generator, { ...load, durationS: config.http.warmupS });
    const primaryBefore = cpuMs(primaryPid);
    const workersBefore = total(workerPids.map(cpuMs));
    const machineBefore = machineBusyMs();
    const runnerBefore = process.cpuUsage();
    const result = await runLoad(config.generator, { ...load, durationS: config.http.durationS });
    const primaryCpuMs = cpuMs(primaryPid) - primaryBefore;
    const workersCpuMs = total(workerPids.map(cpuMs)) - workersBefore;
    const runner = process.cpuUsage(runnerBefore);
    const otherCpuShare =
      (machineBusyMs() -
        machineBefore -
        primaryCpuMs -
        workersCpuMs -
        result.cpuMs -
        (runner.user + runner.system) / 1000) /
      1000 /
      result.durationS;
    return {
      supervised,
      strategyInForce: strategy,
      rps: result.rps,
      requests: result.requests,
      durationS: result.durationS,
      errors: result.errors,
      latencyP99Ms: result.latencyMs.p99,
      generatorCpuShare: result.cpuShare,
      primaryCpuShare: primaryCpuMs / 1000 / result.durationS,
      workersCpuShare: workersCpuMs / 1000 / result.durationS,
      otherCpuShare,
      waitedForQuietS,
    };
  } finally {
    await app.stop();
  }
}

function total(values) {
  return values.reduce((sum, value) => sum + (value ?? Number.NaN), 0);
}

async function overheadCase(config, { keepAlive, log }) {
  // In a control run the "supervised" side is unsupervised too.
  const run = (supervised) => overheadRun(config, { supervised: supervised && !config.control, keepAlive });
  const runPair = async (supervisedFirst) => {
    if (supervisedFirst) {
      const shoal = await run(true);
      return { supervisedFirst, shoal, node: await run(false) };
    }
    const node = await run(false);
    return { supervisedFirst, node, shoal: await run(true) };
  };
  for (let i = 0; i < config.warmupPairs; i++) await runPair(i % 2 === 1);
  const pairs = [];
  const discarded = [];
  while (pairs.length < config.pairs) {
    const pair = await runPair(pairs.length % 2 === 1);
    const other = Math.max(pair.node.otherCpuShare, pair.shoal.otherCpuShare);
    if (other > config.maxOtherCpuShare && discarded.length < config.pairs) {
      discarded.push(pair);
      log(`pair discarded: ${(other * 100).toFixed(0)} % of a core busy outside the benchmark; again`);
      continue;
    }
    pairs.push(pair);
    log(
      `${keepAlive ? 'keep-alive' : 'churn'} pair ${pairs.length}/${config.pairs}` +
        `${pair.supervisedFirst ? ' (supervised first)' : ''}: unsupervised ${pair.node.rps.toFixed(0)}, ` +
        `supervised ${pair.shoal.rps.toFixed(0)} req/s (${(pair.shoal.rps / pair.node.rps).toFixed(3)})`,
    );
  }
  // In these pairs `node` is the unsupervised side and `shoal` the supervised one (pairedRatios' shape).
  const side = (name) => ({
    rps: summarize(pairs.map((pair) => pair[name].rps)),
    latencyP99Ms: summarize(pairs.map((pair) => pair[name].latencyP99Ms)),
    errors: pairs.reduce((sum, pair) => sum + pair[name].errors, 0),
    primaryCpuShare: summarize(pairs.map((pair) => pair[name].primaryCpuShare)),
    workersCpuShare: summarize(pairs.map((pair) => pair[name].workersCpuShare)),
    generatorCpuShare: summarize(pairs.map((pair) => pair[name].generatorCpuShare)),
    otherCpuShare: summarize(pairs.map((pair) => pair[name].otherCpuShare)),
  });
  return {
    keepAlive,
    unsupervised: side('node'),
    supervised: side('shoal'),
    ratio: pairedRatios(pairs, (r) => r.rps),
    pairs,
    discardedPairs: discarded,
  };
}

export async function supervisedOverheadScenario(config, { log }) {
  return {
    title:
      'supervision overhead: supervise() (heartbeats every 500 ms) vs an unsupervised @shoal/cluster primary' +
      (config.control ? ' — control: unsupervised on both sides' : ''),
    workers: WORKERS,
    connections: CONNECTIONS,
    control: config.control,
    keepAlive: await overheadCase(config, { keepAlive: true, log }),
    churn: await overheadCase(config, { keepAlive: false, log }),
  };
}
