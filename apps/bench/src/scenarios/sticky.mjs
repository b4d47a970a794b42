// Sticky sessions on one Socket.IO app (issue 12): Shoal's consistent-hash routed by `sid` against
// @socket.io/sticky on node:cluster and against Shoal's round robin, 2 workers each, in rounds of one run per
// variant (the order rotating), repeated; each run measures (a) churn throughput on /?sid=<session>, then (b)
// long-polling sessions, on one fresh cluster.
// Opt-in (--only sticky, run alone); figures in sticky.json and sticky.md (sticky.control.* with --control, where
// every slot runs shoal-sticky: the ratios then show this machine's noise).
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { stickyMarkdown } from '../report/sticky-markdown.mjs';
import { buildFingerprint } from '../snapshot.mjs';
import { summarize } from '../stats.mjs';
import { variantRun } from '../sticky/runs.mjs';

/** The slots of every round; each runs the variant of its name (shoal-sticky in all three with --control). */
export const STICKY_SLOTS = ['socketio-sticky', 'shoal-sticky', 'shoal-rr'];

export function stickySettings(config) {
  const quick = config.quick;
  return {
    workers: 2,
    connections: 50,
    // Sessions opened before each churn run; the churn requests cycle over their ids.
    keys: quick ? 20 : 200,
    warmupS: quick ? 0 : 2,
    durationS: quick ? 1 : 5,
    polling: quick
      ? { clients: 4, emits: 3, timeoutMs: 5_000 }
      : { clients: 50, emits: 20, timeoutMs: 10_000 },
    rounds: config.pairs,
    warmupRounds: config.warmupPairs,
    // A wait for a quiet machine before each run, and as many disturbed rounds run again as are measured.
    quiet: quick ? { threshold: 1, maxWaitS: 0 } : { threshold: 0.1, maxWaitS: 60 },
    maxOtherCpuShare: config.maxOtherCpuShare,
    maxRerunRounds: quick ? 0 : config.pairs,
    control: config.control,
    variantOf: Object.fromEntries(STICKY_SLOTS.map((slot) => [slot, config.control ? 'shoal-sticky' : slot])),
  };
}

const rotated = (list, by) => list.map((_, i) => list[(i + by) % list.length]);
const sum = (values) => values.reduce((total, value) => total + value, 0);

/** Rounds of one run per slot, order rotating; a round disturbed from outside is run again (a bounded number). */
async function rounds(settings, runOne, describe, log) {
  const roundOf = async (i) => {
    const round = { order: rotated(STICKY_SLOTS, i) };
    for (const slot of round.order) round[slot] = await runOne(slot);
    return round;
  };
  for (let i = 0; i < settings.warmupRounds; i++) {
    log(`warm-up round ${i + 1}/${settings.warmupRounds}`);
    await roundOf(i);
  }
  const kept = [];
  const discarded = [];
  while (kept.length < settings.rounds) {
    const round = await roundOf(kept.length + discarded.length);
    const other = Math.max(...STICKY_SLOTS.map((slot) => round[slot].otherCpuShare));
    if (other > settings.maxOtherCpuShare && discarded.length < settings.maxRerunRounds) {
      discarded.push(round);
      log(`round discarded (${(other * 100).toFixed(0)} % of a core busy outside the benchmark)`);
      continue;
    }
    kept.push(round);
    log(`round ${kept.length}/${settings.rounds} (${round.order.join(', ')}): ${describe(round)}`);
  }
  return { rounds: kept, discardedRounds: discarded };
}

function ratio(kept, numerator, denominator, metric) {
  const perRound = kept.map((round) => metric(round[numerator]) / metric(round[denominator]));
  return { perRound, ...summarize(perRound) };
}

function churnSummary(settings, kept) {
  const slot = (name) => {
    const runs = kept.map((round) => round[name].churn);
    const of = (pick) => summarize(runs.map(pick));
    return {
      variant: settings.variantOf[name],
      rps: of((run) => run.rps),
      latencyP99Ms: of((run) => run.latencyMs.p99),
      errors: sum(runs.map((run) => run.errors)),
      ownSessionShare: of((run) => run.ownSessionShare),
      primaryCpuShare: of((run) => run.primaryCpuShare),
      workersCpuShare: of((run) => run.workersCpuShare),
      generatorCpuShare: of((run) => run.generatorCpuShare),
      otherCpuShare: of((run) => run.otherCpuShare),
      primaryCpuMsPer1000Connections: of((run) => run.primaryCpuMsPer1000Connections),
      clusterCpuMsPer1000Connections: of((run) => run.clusterCpuMsPer1000Connections),
    };
  };
  const rps = (run) => run.churn.rps;
  const cpu = (run) => run.churn.primaryCpuMsPer1000Connections;
  const clusterCpu = (run) => run.churn.clusterCpuMsPer1000Connections;
  return {
    keys: settings.keys,
    connections: settings.connections,
    slots: Object.fromEntries(STICKY_SLOTS.map((name) => [name, slot(name)])),
    ratios: {
      stickyVsSocketioSticky: ratio(kept, 'shoal-sticky', 'socketio-sticky', rps),
      stickyVsRoundRobin: ratio(kept, 'shoal-sticky', 'shoal-rr', rps),
      primaryCpuStickyVsSocketioSticky: ratio(kept, 'shoal-sticky', 'socketio-sticky', cpu),
      primaryCpuStickyVsRoundRobin: ratio(kept, 'shoal-sticky', 'shoal-rr', cpu),
      clusterCpuStickyVsSocketioSticky: ratio(kept, 'shoal-sticky', 'socketio-sticky', clusterCpu),
      clusterCpuStickyVsRoundRobin: ratio(kept, 'shoal-sticky', 'shoal-rr', clusterCpu),
    },
  };
}

function sessionsSummary(settings, kept) {
  const slot = (name) => {
    const runs = kept.map((round) => round[name].sessions);
    const of = (pick) => summarize(runs.map(pick));
    const errors = {};
    for (const run of runs) {
      for (const [kind, count] of Object.entries(run.errors)) errors[kind] = (errors[kind] ?? 0) + count;
    }
    return {
      variant: settings.variantOf[name],
      sessions: sum(runs.map((run) => run.clients)),
      completed: sum(runs.map((run) => run.completed)),
      failed: sum(runs.map((run) => run.failed)),
      errors,
      durationMs: of((run) => run.durationMs),
      ackedPerS: of((run) => run.ackedPerS),
      sessionP50Ms: of((run) => run.sessionMs.p50 ?? Number.NaN),
      httpRequestsPerAck: of((run) => run.httpRequests / run.acked),
      primaryCpuShare: of((run) => run.primaryCpuShare),
      workersCpuShare: of((run) => run.workersCpuShare),
      clientCpuShare: of((run) => run.clientCpuShare),
      otherCpuShare: of((run) => run.otherCpuShare),
    };
  };
  const ackedPerS = (run) => run.sessions.ackedPerS;
  return {
    ...settings.polling,
    slots: Object.fromEntries(STICKY_SLOTS.map((name) => [name, slot(name)])),
    ratios: { ackedPerSStickyVsSocketioSticky: ratio(kept, 'shoal-sticky', 'socketio-sticky', ackedPerS) },
  };
}

const describeRound = (round) =>
  STICKY_SLOTS.map((slot) => {
    const { churn, sessions } = round[slot];
    return `${slot} ${churn.rps.toFixed(0)} req/s, ${sessions.completed}/${sessions.clients} sessions in ${sessions.durationMs.toFixed(0)} ms`;
  }).join('; ');

export async function stickyScenario(config, { log }) {
  const settings = stickySettings(config);
  log(
    `slots ${STICKY_SLOTS.map((slot) => `${slot}=${settings.variantOf[slot]}`).join(', ')}; ` +
      `${settings.rounds} rounds after ${settings.warmupRounds} warm-up`,
  );
  const runOne = (slot) => variantRun(config, settings, settings.variantOf[slot]);
  const { rounds: kept, discardedRounds } = await rounds(settings, runOne, describeRound, log);
  return {
    title:
      'Sticky sessions on one Socket.IO app: Shoal consistent-hash routeBy sid vs @socket.io/sticky vs round robin',
    settings,
    churn: churnSummary(settings, kept),
    sessions: sessionsSummary(settings, kept),
    rounds: kept,
    discardedRounds,
  };
}

/**
 * The runner's entry for `--only sticky` (it runs alone): runs the scenario, writes sticky.json and sticky.md
 * (sticky.control.* with --control) to the output directory and the markdown to stdout.
 */
export async function stickyMain(config, meta, log) {
  if (config.only.length !== 1) throw new Error('--only sticky runs alone (name no other scenario with it)');
  const sticky = await stickyScenario(config, { log });
  meta.finishedAt = new Date().toISOString();
  meta.build.changedDuringRun = buildFingerprint() !== meta.build.fingerprint;
  meta.machineLoad.after = { loadavg: os.loadavg() };
  meta.durations.sticky = sticky.settings;
  const results = { meta, scenarios: { sticky } };
  const markdown = stickyMarkdown(results);
  const base = config.control ? 'sticky.control' : 'sticky';
  writeFileSync(path.join(config.outDir, `${base}.json`), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(path.join(config.outDir, `${base}.md`), markdown);
  process.stdout.write(markdown);
  log(`wrote ${path.join(config.outDir, `${base}.{json,md}`)}`);
  return results;
}
