// Supervision 1: rolling reloads under continuous load. A supervised cluster of http-app.mjs workers is loaded
// by a keep-alive generator and a new-connection one at once: first for a steady window, then for exactly as
// long as K reloads in a row take. Failed requests, throughput during the reloads as a share of the steady
// window just before (same cluster, same run), and each reload's own durationMs, for 2 and 8 workers.
import { runLoad } from '../load/index.mjs';
import { startOpenLoad } from '../load/open-load.mjs';
import { waitForQuiet } from '../quiet.mjs';
import { summarize } from '../stats.mjs';
import { command, named, startSupervised } from '../supervised-cluster.mjs';

export const RELOAD_WORKERS = [2, 8];
// 50 connections as elsewhere, split: most keep-alive, some a new connection per request.
const MIX = [
  { kind: 'keepAlive', keepAlive: true, connections: 40 },
  { kind: 'churn', keepAlive: false, connections: 10 },
];

async function reloadRun(config, workers) {
  const waitedForQuietS = await waitForQuiet(config);
  const app = await startSupervised(config, { workers });
  const loads = [];
  try {
    const { port } = await app.waitFor('ready');
    if (config.http.warmupS > 0) {
      await Promise.all(
        MIX.map((m) => runLoad(config.generator, { ...m, port, durationS: config.http.warmupS })),
      );
    }
    const steady = await Promise.all(
      MIX.map((m) => runLoad(config.generator, { ...m, port, durationS: config.http.durationS })),
    );
    for (const m of MIX) loads.push(await startOpenLoad(config.generator, { ...m, port }));
    const reports = [];
    const started = performance.now();
    for (let i = 0; i < config.reload.count; i++) {
      // A reload that does not finish is a finding: the bound is generous (8 workers take a few seconds).
      const { report } = await command(app, { cmd: 'reload' }, 'reloaded', 120_000);
      reports.push(report);
    }
    const reloadWindowMs = performance.now() - started;
    const during = await Promise.all(loads.splice(0).map((load) => load.stop()));
    const byKind = (results) => Object.fromEntries(MIX.map((m, i) => [m.kind, brief(results[i])]));
    const sum = (results, key) => results.reduce((total, result) => total + result[key], 0);
    return {
      workers,
      waitedForQuietS,
      steady: byKind(steady),
      during: byKind(during),
      steadyRps: sum(steady, 'rps'),
      duringRps: sum(during, 'rps'),
      share: sum(during, 'rps') / sum(steady, 'rps'),
      shareByKind: Object.fromEntries(MIX.map((m, i) => [m.kind, during[i].rps / steady[i].rps])),
      failedDuring: sum(during, 'errors'),
      failedSteady: sum(steady, 'errors'),
      reloadWindowMs,
      reloads: reports.map((report) => ({
        ok: report.ok,
        durationMs: report.durationMs,
        outcomes: report.slots.map((slot) => slot.outcome),
        ...(report.ok ? {} : { slots: report.slots }),
      })),
      restartsScheduled: named(app, 'restart-scheduled').length,
      supervisorErrors: named(app, 'error').map((event) => event.message),
    };
  } finally {
    // A failed run must not leave a generator behind either.
    await Promise.allSettled(loads.map((load) => load.stop()));
    await app.stop();
  }
}

/** What a generator run says, without the bulk. */
function brief(result) {
  return {
    requests: result.requests,
    rps: result.rps,
    durationS: result.durationS,
    errors: result.errors,
    errorDetail: result.errorDetail,
    latencyP99Ms: result.latencyMs.p99,
    latencyMaxMs: result.latencyMs.max,
    generatorCpuShare: result.cpuShare,
  };
}

export async function reloadScenario(config, { log }) {
  const rows = [];
  for (const workers of RELOAD_WORKERS) {
    const runs = [];
    for (let i = 0; i < config.reload.runs; i++) {
      const run = await reloadRun(config, workers);
      runs.push(run);
      log(
        `${workers} workers, run ${i + 1}/${config.reload.runs}: ${run.failedDuring} failed during ` +
          `${run.reloads.length} reloads (${run.reloads.filter((r) => r.ok).length} ok), share ` +
          `${run.share.toFixed(3)}, reload ms ${run.reloads.map((r) => r.durationMs).join(' ')}`,
      );
    }
    const reloadsMs = runs.flatMap((run) => run.reloads.map((reload) => reload.durationMs));
    rows.push({
      workers,
      failedDuring: runs.reduce((total, run) => total + run.failedDuring, 0),
      failedSteady: runs.reduce((total, run) => total + run.failedSteady, 0),
      requestsDuring: runs.reduce(
        (total, run) => total + Object.values(run.during).reduce((t, r) => t + r.requests, 0),
        0,
      ),
      reloadsOk: runs.reduce((total, run) => total + run.reloads.filter((r) => r.ok).length, 0),
      reloadsTotal: runs.reduce((total, run) => total + run.reloads.length, 0),
      restartsScheduled: runs.reduce((total, run) => total + run.restartsScheduled, 0),
      share: summarize(runs.map((run) => run.share)),
      shareKeepAlive: summarize(runs.map((run) => run.shareByKind.keepAlive)),
      shareChurn: summarize(runs.map((run) => run.shareByKind.churn)),
      steadyRps: summarize(runs.map((run) => run.steadyRps)),
      duringRps: summarize(runs.map((run) => run.duringRps)),
      // Median over every reload of every run; per-run medians too, to show how far runs differ.
      reloadMs: summarize(reloadsMs),
      reloadMsPerRun: summarize(runs.map((run) => summarize(run.reloads.map((r) => r.durationMs)).median)),
      runs,
    });
  }
  return {
    title: `rolling reloads under load (${config.reload.count} per run, supervised, round robin)`,
    reloadsPerRun: config.reload.count,
    mix: MIX,
    rows,
  };
}
