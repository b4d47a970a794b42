// Scenario 6: start-up — from the primary's first fork() until every worker is listening (measured in the
// primary), for 2 and 8 workers; the runner also times spawn-to-ready, which includes loading the module.
import path from 'node:path';
import { AppProcess } from '../app-process.mjs';
import { waitForQuiet } from '../quiet.mjs';
import { clusterModule } from '../sides.mjs';
import { pairedRatios, summarize } from '../stats.mjs';

export const STARTUP_WORKERS = [2, 8];

async function startupRun(config, side, workers) {
  const app = new AppProcess(path.join(config.appsDir, 'http-app.mjs'), {
    env: {
      CLUSTER_MODULE: clusterModule(config, side),
      NODE_CLUSTER_SCHED_POLICY: 'rr',
      WORKERS: String(workers),
      PORT: '0',
    },
  });
  try {
    const ready = await app.waitFor('ready');
    return { forkToListeningMs: ready.startupMs, spawnToReadyMs: performance.now() - app.spawnedAt };
  } finally {
    await app.stop();
  }
}

export async function startupScenario(config, { log }) {
  const rows = [];
  for (const workers of STARTUP_WORKERS) {
    for (let i = 0; i < config.warmupPairs; i++) {
      await startupRun(config, 'node', workers);
      await startupRun(config, 'shoal', workers);
    }
    const pairs = [];
    for (let i = 0; i < config.pairs; i++) {
      await waitForQuiet(config);
      pairs.push({
        node: await startupRun(config, 'node', workers),
        shoal: await startupRun(config, 'shoal', workers),
      });
    }
    const ratio = pairedRatios(pairs, (run) => run.forkToListeningMs);
    log(`${workers} workers: median ratio ${ratio.median.toFixed(3)}`);
    rows.push({
      workers,
      node: summarize(pairs.map((pair) => pair.node.forkToListeningMs)),
      shoal: summarize(pairs.map((pair) => pair.shoal.forkToListeningMs)),
      ratio,
      spawnToReady: {
        node: summarize(pairs.map((pair) => pair.node.spawnToReadyMs)),
        shoal: summarize(pairs.map((pair) => pair.shoal.spawnToReadyMs)),
        ratio: pairedRatios(pairs, (run) => run.spawnToReadyMs),
      },
      pairs,
    });
  }
  return { title: 'start-up: first fork() until every worker listens (ms, lower is better)', rows };
}
