// One run of the HTTP program under test: start it, optionally warm it up, load it, and collect what the
// generator, the workers' own counters and /proc say about it.
import path from 'node:path';
import process from 'node:process';
import { AppProcess } from '../app-process.mjs';
import { runLoad } from '../load/index.mjs';
import { cpuMs, machineBusyMs, rssBytes } from '../proc-stat.mjs';
import { waitForQuiet } from '../quiet.mjs';
import { clusterModule } from '../sides.mjs';

/**
 * @param {object} config the runner's configuration (generator, nodeArgs)
 * @param {{side: 'node'|'shoal', strategy: string, workers: number, connections: number, keepAlive: boolean,
 *   warmupS: number, durationS: number, heavyEvery?: number}} run
 */
export async function httpRun(config, run) {
  const waitedS = await waitForQuiet(config);
  const app = new AppProcess(path.join(config.appsDir, 'http-app.mjs'), {
    env: {
      CLUSTER_MODULE: clusterModule(config, run.side),
      NODE_CLUSTER_SCHED_POLICY: run.strategy,
      WORKERS: String(run.workers),
      PORT: '0',
    },
    nodeArgs: config.primaryNodeArgs ?? [],
  });
  try {
    const ready = await app.waitFor('ready');
    const { port, primaryPid, workerPids } = ready;
    const afterStartup = rssOf(primaryPid, workerPids);
    const load = {
      port,
      connections: run.connections,
      keepAlive: run.keepAlive,
      heavyEvery: run.heavyEvery ?? 0,
    };
    if (run.warmupS > 0) await runLoad(config.generator, { ...load, durationS: run.warmupS });
    await app.request('reset');
    const primaryCpuBefore = cpuMs(primaryPid);
    const workersCpuBefore = sum(workerPids.map(cpuMs));
    const machineBefore = machineBusyMs();
    const runnerBefore = process.cpuUsage();
    const result = await runLoad(config.generator, { ...load, durationS: run.durationS });
    const primaryCpuMs = cpuMs(primaryPid) - primaryCpuBefore;
    const workersCpuMs = sum(workerPids.map(cpuMs)) - workersCpuBefore;
    const runner = process.cpuUsage(runnerBefore);
    // CPU the rest of the machine used meanwhile (other engineers' test runs, say), in cores: near 0 on a
    // quiet machine; the generator's CPU counts its whole run, so this slightly underestimates.
    const otherCpuShare =
      (machineBusyMs() -
        machineBefore -
        primaryCpuMs -
        workersCpuMs -
        result.cpuMs -
        (runner.user + runner.system) / 1000) /
      1000 /
      result.durationS;
    const stats = await app.request('stats');
    const afterLoad = rssOf(primaryPid, workerPids, stats);
    const connections = sum(stats.workers.map((worker) => worker.connections));
    const requests = sum(stats.workers.map((worker) => worker.requests));
    return {
      side: run.side,
      strategy: run.strategy,
      strategyInForce: ready.strategy,
      primaryPid,
      startupMs: ready.startupMs,
      rps: result.rps,
      requests: result.requests,
      durationS: result.durationS,
      errors: result.errors,
      errorDetail: result.errorDetail,
      latencyMs: result.latencyMs,
      generatorCpuMs: result.cpuMs,
      generatorCpuShare: result.cpuShare,
      primaryCpuMs,
      workersCpuMs,
      otherCpuShare,
      waitedForQuietS: waitedS,
      served: { requests, connections },
      primaryCpuMsPer1000Connections: connections > 0 ? (primaryCpuMs / connections) * 1000 : Number.NaN,
      perWorker: stats.workers.map((worker) => ({
        requests: worker.requests,
        connections: worker.connections,
        heavy: worker.heavy,
      })),
      rss: { afterStartup, afterLoad },
    };
  } finally {
    await app.stop();
  }
}

function sum(values) {
  return values.reduce((total, value) => total + (value ?? Number.NaN), 0);
}

/** RSS in MB of the primary and the mean of the workers, from /proc or else from the workers' reports. */
function rssOf(primaryPid, workerPids, stats) {
  const mb = (bytes) => bytes / 2 ** 20;
  const primary = rssBytes(primaryPid) ?? stats?.primaryRss;
  const workers = workerPids.map(
    (pid) => rssBytes(pid) ?? stats?.workers.find((worker) => worker.pid === pid)?.rss,
  );
  return { primaryMb: mb(primary), workerMeanMb: mb(sum(workers) / workers.length) };
}
