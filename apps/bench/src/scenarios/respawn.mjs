// Supervision 3: respawn — from a worker's SIGKILL until its replacement listens (worker-ready), with the default
// restart policy. Each kill is its slot's first restart (backoff 100 ms ± 20 %): a fresh 2-worker cluster per
// run, slot 0 killed, then slot 1 once slot 0 is back. All times are the supervised primary's own clock, so the
// total splits into: exit noticed, the backoff drawn, backoff end → fork, fork → listening.
import { summarize } from '../stats.mjs';
import { command, named, startSupervised } from '../supervised-cluster.mjs';

const WORKERS = 2;

async function respawnRun(config) {
  const app = await startSupervised(config, { workers: WORKERS });
  try {
    await app.waitFor('ready');
    const kills = [];
    for (let index = 0; index < WORKERS; index++) {
      const killed = await command(app, { cmd: 'kill', index }, 'killed');
      const isReplacement = (event) =>
        event.index === index && event.pid !== killed.pid && event.at > killed.at;
      const ready = await waitForEvent(app, 'worker-ready', isReplacement);
      const exit = named(app, 'worker-exit').find((e) => e.pid === killed.pid);
      const scheduled = named(app, 'restart-scheduled').find((e) => e.index === index && e.at >= exit.at);
      const start = named(app, 'worker-start').find((e) => e.pid === ready.pid);
      kills.push({
        index,
        killToReadyMs: ready.at - killed.at,
        killToExitSeenMs: exit.at - killed.at,
        backoffMs: scheduled.delayMs,
        // From the end of the backoff (scheduled + delay) to the fork: timer lateness, up to the fork call.
        backoffEndToForkMs: start.at - (scheduled.at + scheduled.delayMs),
        forkToReadyMs: ready.at - start.at,
        exitSignal: exit.signal,
      });
    }
    return kills;
  } finally {
    await app.stop();
  }
}

/** The first event named `name` (seen or future) that `match`es; rejects on timeout or exit. */
async function waitForEvent(app, name, match, timeoutMs = 20_000) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const found = named(app, name).find(match);
    if (found) return found;
    // Drop the ones that do not match, then wait for the next of that name.
    app.events = app.events.filter((event) => event.event !== name || match(event));
    await app.waitFor(name, Math.max(1, deadline - performance.now()));
  }
}

export async function respawnScenario(config, { log }) {
  const kills = [];
  for (let i = 0; i < config.respawn.runs; i++) {
    const run = await respawnRun(config);
    kills.push(...run);
    log(
      `run ${i + 1}/${config.respawn.runs}: kill→ready ${run.map((k) => k.killToReadyMs.toFixed(0)).join(', ')} ms ` +
        `(backoff ${run.map((k) => k.backoffMs.toFixed(0)).join(', ')} ms)`,
    );
  }
  const of = (key) => summarize(kills.map((kill) => kill[key]));
  return {
    title: 'respawn: SIGKILL until the replacement listens (ms), default restart policy',
    workers: WORKERS,
    kills: kills.length,
    killToReadyMs: of('killToReadyMs'),
    killToExitSeenMs: of('killToExitSeenMs'),
    backoffMs: of('backoffMs'),
    backoffEndToForkMs: of('backoffEndToForkMs'),
    forkToReadyMs: of('forkToReadyMs'),
    // What the restart policy adds on its own: the real figure minus the backoff drawn, kill by kill.
    withoutBackoffMs: summarize(kills.map((kill) => kill.killToReadyMs - kill.backoffMs)),
    perKill: kills,
  };
}
