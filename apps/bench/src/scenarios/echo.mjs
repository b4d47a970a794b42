// Scenario 5: IPC echo primary ⇄ one worker, for every payload × serialization × sends-per-round, node:cluster
// and Shoal alternating pair by pair. Messages per second, higher is better.
import path from 'node:path';
import { AppProcess } from '../app-process.mjs';
import { waitForQuiet } from '../quiet.mjs';
import { clusterModule } from '../sides.mjs';
import { pairedRatios, summarize } from '../stats.mjs';

export const ECHO_CASES = [];
for (const serialization of ['json', 'advanced']) {
  for (const payload of ['string', 'object']) {
    for (const sends of [1, 10]) ECHO_CASES.push({ serialization, payload, sends });
  }
}

async function echoRun(config, side, { serialization, payload, sends }) {
  const app = new AppProcess(path.join(config.appsDir, 'echo-app.mjs'), {
    env: {
      CLUSTER_MODULE: clusterModule(config, side),
      SERIALIZATION: serialization,
      PAYLOAD: payload,
      SENDS: String(sends),
      WARMUP_MS: String(config.echo.warmupMs),
      DURATION_MS: String(config.echo.durationMs),
    },
  });
  try {
    return await app.waitFor('result', config.echo.warmupMs + config.echo.durationMs + 20_000);
  } finally {
    await app.stop();
  }
}

export async function echoScenario(config, { log }) {
  const cases = ECHO_CASES.map((echoCase) => ({ ...echoCase, pairs: [] }));
  for (let i = 0; i < config.pairs; i++) {
    for (const echoCase of cases) {
      await waitForQuiet(config);
      const node = await echoRun(config, 'node', echoCase);
      const shoal = await echoRun(config, 'shoal', echoCase);
      echoCase.pairs.push({ node: node.messagesPerSecond, shoal: shoal.messagesPerSecond });
    }
    log(`pair ${i + 1}/${config.pairs} done`);
  }
  return {
    title: 'IPC echo primary ⇄ worker (messages/s)',
    cases: cases.map((echoCase) => ({
      serialization: echoCase.serialization,
      payload: echoCase.payload,
      sends: echoCase.sends,
      node: summarize(echoCase.pairs.map((pair) => pair.node)),
      shoal: summarize(echoCase.pairs.map((pair) => pair.shoal)),
      ratio: pairedRatios(echoCase.pairs, (value) => value),
      pairs: echoCase.pairs,
    })),
  };
}
