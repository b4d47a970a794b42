// Shoal against PM2 (issue 14): the same unmodified app (apps/plain-http-app.cjs) on 2 workers under `shoal run -i 2`
// and under `pm2 start -i 2` (cluster mode). Throughput with keep-alive and with a new connection per request
// (pairs, alternating which side goes first), failed requests across rolling reloads under each load, the
// supervising process's RSS (Shoal's primary with --metrics on; PM2's daemon, which is its cluster primary), and
// the time from start until every worker answers. PM2 comes from the npm registry, installed on first use.
import path from 'node:path';
import process from 'node:process';
import { runLoad } from '../load/index.mjs';
import { startOpenLoad } from '../load/open-load.mjs';
import { ensurePm2 } from '../pm2/install.mjs';
import { everyWorkerAnswers } from '../pm2/probe.mjs';
import { startPm2, startShoal } from '../pm2/sides.mjs';
import { cpuMs, machineBusyMs, rssBytes } from '../proc-stat.mjs';
import { waitForQuiet } from '../quiet.mjs';
import { shoalCliBin } from '../shoal-run.mjs';
import { summarize } from '../stats.mjs';

export const PM2_WORKERS = 2;
const CONNECTIONS = 50;
const SIDES = ['shoal', 'pm2'];

const mb = (bytes) => (bytes === undefined ? Number.NaN : bytes / 2 ** 20);
const sum = (values) => values.reduce((total, value) => total + (value ?? Number.NaN), 0);

function start(context, side) {
  const options = { app: context.app, workers: PM2_WORKERS };
  return side === 'shoal'
    ? startShoal({ ...options, bin: context.shoalBin })
    : startPm2({ ...options, install: context.install });
}

async function rssOf(side) {
  const workers = await side.workerPids();
  return {
    supervisorMb: mb(rssBytes(side.supervisorPid)),
    workerMeanMb: mb(sum(workers.map(rssBytes)) / workers.length),
  };
}

/** One fresh cluster: started, warmed up, loaded for the measured window; CPU from /proc, RSS before and after. */
async function throughputRun(config, context, sideName, keepAlive) {
  const waitedForQuietS = await waitForQuiet({ quiet: config.pm2.quiet });
  const side = await start(context, sideName);
  try {
    const afterStartup = await rssOf(side);
    const load = { port: side.port, connections: CONNECTIONS, keepAlive };
    if (config.http.warmupS > 0) await runLoad(config.generator, { ...load, durationS: config.http.warmupS });
    const workerPids = await side.workerPids();
    const supervisorBefore = cpuMs(side.supervisorPid);
    const workersBefore = sum(workerPids.map(cpuMs));
    const machineBefore = machineBusyMs();
    const runnerBefore = process.cpuUsage();
    const result = await runLoad(config.generator, { ...load, durationS: config.http.durationS });
    const supervisorCpuMs = cpuMs(side.supervisorPid) - supervisorBefore;
    const workersCpuMs = sum(workerPids.map(cpuMs)) - workersBefore;
    const runner = process.cpuUsage(runnerBefore);
    const otherCpuShare =
      (machineBusyMs() - machineBefore - supervisorCpuMs - workersCpuMs - result.cpuMs) /
        1000 /
        result.durationS -
      (runner.user + runner.system) / 1e6 / result.durationS;
    await side.scrape();
    const afterLoad = await rssOf(side);
    return {
      side: sideName,
      keepAlive,
      rps: result.rps,
      requests: result.requests,
      durationS: result.durationS,
      errors: result.errors,
      errorDetail: result.errorDetail,
      latencyMs: result.latencyMs,
      generatorCpuShare: result.cpuShare,
      supervisorCpuShare: supervisorCpuMs / 1000 / result.durationS,
      supervisorCpuMsPer1000Requests: (supervisorCpuMs / result.requests) * 1000,
      workersCpuShare: workersCpuMs / 1000 / result.durationS,
      otherCpuShare,
      waitedForQuietS,
      startup: side.startup,
      rss: { afterStartup, afterLoad },
    };
  } finally {
    await side.stop();
  }
}

/** Pairs of runs of one load kind, the side going first alternating; a pair disturbed from outside is run again. */
async function throughputPairs(config, context, keepAlive, log) {
  const kind = keepAlive ? 'keep-alive' : 'churn';
  const pairOf = async (i) => {
    const order = i % 2 === 0 ? SIDES : [...SIDES].reverse();
    const pair = { first: order[0] };
    for (const side of order) pair[side] = await throughputRun(config, context, side, keepAlive);
    return pair;
  };
  for (let i = 0; i < config.warmupPairs; i++) {
    log(`${kind}: warm-up pair ${i + 1}/${config.warmupPairs}`);
    await pairOf(i);
  }
  const pairs = [];
  const discarded = [];
  while (pairs.length < config.pairs) {
    const pair = await pairOf(pairs.length + discarded.length);
    const other = Math.max(pair.shoal.otherCpuShare, pair.pm2.otherCpuShare);
    if (other > config.maxOtherCpuShare && discarded.length < config.pm2.maxRerunPairs) {
      discarded.push(pair);
      log(`${kind}: pair discarded (${(other * 100).toFixed(0)} % of a core busy outside the benchmark)`);
      continue;
    }
    pairs.push(pair);
    log(
      `${kind} pair ${pairs.length}/${config.pairs} (${pair.first} first): shoal ${pair.shoal.rps.toFixed(0)}, ` +
        `pm2 ${pair.pm2.rps.toFixed(0)} req/s (${(pair.shoal.rps / pair.pm2.rps).toFixed(3)})`,
    );
  }
  const side = (name) => {
    const runs = pairs.map((pair) => pair[name]);
    const of = (pick) => summarize(runs.map(pick));
    return {
      rps: of((run) => run.rps),
      latencyP99Ms: of((run) => run.latencyMs.p99),
      errors: sum(runs.map((run) => run.errors)),
      generatorCpuShare: of((run) => run.generatorCpuShare),
      supervisorCpuShare: of((run) => run.supervisorCpuShare),
      supervisorCpuMsPer1000Requests: of((run) => run.supervisorCpuMsPer1000Requests),
      workersCpuShare: of((run) => run.workersCpuShare),
      otherCpuShare: of((run) => run.otherCpuShare),
    };
  };
  const ratios = pairs.map((pair) => pair.shoal.rps / pair.pm2.rps);
  return {
    keepAlive,
    connections: CONNECTIONS,
    shoal: side('shoal'),
    pm2: side('pm2'),
    ratio: { perPair: ratios, ...summarize(ratios) },
    pairs,
    discardedPairs: discarded,
  };
}

/** One fresh cluster under a continuous load while `count` reloads run one after another with the tool's command. */
async function reloadRun(config, context, sideName, keepAlive) {
  const waitedForQuietS = await waitForQuiet({ quiet: config.pm2.quiet });
  const side = await start(context, sideName);
  let open;
  try {
    const load = { port: side.port, connections: CONNECTIONS, keepAlive };
    if (config.http.warmupS > 0) await runLoad(config.generator, { ...load, durationS: 1 });
    const pidsBefore = await side.workerPids();
    open = await startOpenLoad(config.generator, load);
    const started = performance.now();
    const reloads = [];
    for (let i = 0; i < config.pm2.reloads; i++) reloads.push(await side.reload());
    const windowMs = performance.now() - started;
    const during = await open.stop();
    open = undefined;
    const pidsAfter = await side.workerPids();
    // After the reloads: the same number of workers, all replaced, every one serving.
    await everyWorkerAnswers(side.port, PM2_WORKERS, 10_000);
    return {
      side: sideName,
      keepAlive,
      waitedForQuietS,
      requests: during.requests,
      rps: during.rps,
      errors: during.errors,
      errorDetail: during.errorDetail,
      latencyMs: during.latencyMs,
      generatorCpuShare: during.cpuShare,
      windowMs,
      reloads,
      workersAfter: pidsAfter.length,
      allReplaced: pidsAfter.every((pid) => !pidsBefore.includes(pid)),
    };
  } finally {
    if (open) await open.stop().catch(() => {});
    await side.stop();
  }
}

async function reloadRuns(config, context, keepAlive, log) {
  const kind = keepAlive ? 'keep-alive' : 'churn';
  const runs = { shoal: [], pm2: [] };
  for (let i = 0; i < config.pm2.reloadRuns; i++) {
    for (const side of i % 2 === 0 ? SIDES : [...SIDES].reverse()) {
      const run = await reloadRun(config, context, side, keepAlive);
      runs[side].push(run);
      log(
        `${kind} reloads, ${side} run ${i + 1}/${config.pm2.reloadRuns}: ${run.errors} failed of ` +
          `${run.requests} during ${run.reloads.length} reloads ${JSON.stringify(run.errorDetail)}, ` +
          `reload ms ${run.reloads.map((r) => Math.round(r.commandMs)).join(' ')}`,
      );
    }
  }
  const side = (name) => {
    const list = runs[name];
    const detail = {};
    for (const run of list) {
      for (const [key, value] of Object.entries(run.errorDetail)) detail[key] = (detail[key] ?? 0) + value;
    }
    const failed = sum(list.map((run) => run.errors));
    const requests = sum(list.map((run) => run.requests));
    return {
      failed,
      requests,
      failedShare: failed / (requests + failed),
      failedPerRun: list.map((run) => run.errors),
      errorDetail: detail,
      reloads: sum(list.map((run) => run.reloads.length)),
      reloadsOk: sum(list.map((run) => run.reloads.filter((r) => r.ok).length)),
      reloadCommandMs: summarize(list.flatMap((run) => run.reloads.map((r) => r.commandMs))),
      rpsDuring: summarize(list.map((run) => run.rps)),
      everyRunRecovered: list.every((run) => run.workersAfter === PM2_WORKERS && run.allReplaced),
      runs: list,
    };
  };
  return {
    keepAlive,
    connections: CONNECTIONS,
    reloadsPerRun: config.pm2.reloads,
    shoal: side('shoal'),
    pm2: side('pm2'),
  };
}

/** Supervising and worker RSS, and start-up times, from the throughput runs (each a freshly started cluster). */
function fromThroughputRuns(keepAlive, churn) {
  const runsOf = (name) => [...keepAlive.pairs, ...churn.pairs].map((pair) => pair[name]);
  const memory = (name) => {
    const of = (pairs, pick) => summarize(pairs.map((pair) => pick(pair[name].rss)));
    return {
      supervisorAfterStartupMb: of(
        [...keepAlive.pairs, ...churn.pairs],
        (rss) => rss.afterStartup.supervisorMb,
      ),
      supervisorAfterKeepAliveMb: of(keepAlive.pairs, (rss) => rss.afterLoad.supervisorMb),
      supervisorAfterChurnMb: of(churn.pairs, (rss) => rss.afterLoad.supervisorMb),
      workerMeanAfterKeepAliveMb: of(keepAlive.pairs, (rss) => rss.afterLoad.workerMeanMb),
    };
  };
  const startup = (name) => {
    const runs = runsOf(name);
    const keys = Object.keys(runs[0]?.startup ?? {});
    const out = Object.fromEntries(keys.map((key) => [key, summarize(runs.map((run) => run.startup[key]))]));
    if (name === 'pm2') {
      out.coldToEveryWorkerAnsweringMs = summarize(
        runs.map((run) => run.startup.daemonLaunchMs + run.startup.toEveryWorkerAnsweringMs),
      );
    }
    return out;
  };
  return {
    memory: { shoal: memory('shoal'), pm2: memory('pm2') },
    startup: { runs: runsOf('shoal').length, shoal: startup('shoal'), pm2: startup('pm2') },
  };
}

export async function pm2Scenario(config, { log }) {
  const install = ensurePm2({ log });
  const context = {
    install,
    shoalBin: shoalCliBin(config),
    app: path.join(config.appsDir, 'plain-http-app.cjs'),
  };
  log(`pm2 ${install.version} (${install.bin}); shoal ${context.shoalBin}`);
  const keepAlive = await throughputPairs(config, context, true, log);
  const churn = await throughputPairs(config, context, false, log);
  const reloadKeepAlive = await reloadRuns(config, context, true, log);
  const reloadChurn = await reloadRuns(config, context, false, log);
  return {
    title: `shoal run vs PM2 ${install.version} cluster mode, ${PM2_WORKERS} workers, the same plain app`,
    pm2Version: install.version,
    workers: PM2_WORKERS,
    throughput: { keepAlive, churn },
    reloads: { keepAlive: reloadKeepAlive, churn: reloadChurn },
    ...fromThroughputRuns(keepAlive, churn),
  };
}
