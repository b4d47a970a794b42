// The benchmark runner: node:cluster and @shoal/cluster side by side, pair by pair, on 127.0.0.1.
//
//   node apps/bench/src/run.mjs [--quick] [--control] [--pairs N] [--only keepalive,churn,...] [--out DIR]
//                               [--generator wrk|autocannon] [--cpu-prof DIR]
//
// Writes a markdown report to stdout (progress goes to stderr), and latest.json, latest.md and latest.svg to
// --out (default apps/bench/results, the committed figures; apps/bench/results/quick, gitignored, with --quick).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pickGenerator } from './load/index.mjs';
import { busyShare } from './quiet.mjs';
import { markdownReport } from './report/markdown.mjs';
import { pm2Markdown, pm2Targets } from './report/pm2-markdown.mjs';
import { ratioChart } from './report/svg.mjs';
import { targetRows } from './report/targets.mjs';
import { echoScenario } from './scenarios/echo.mjs';
import { fairnessScenario, skewedScenario } from './scenarios/fairness.mjs';
import { pm2Scenario } from './scenarios/pm2.mjs';
import { reloadScenario } from './scenarios/reload.mjs';
import { respawnScenario } from './scenarios/respawn.mjs';
import { startupScenario } from './scenarios/startup.mjs';
import { supervisedOverheadScenario } from './scenarios/supervised-overhead.mjs';
import { memoryScenario, throughputScenario } from './scenarios/throughput.mjs';
import { buildFingerprint, liveAppsDir, snapshotPackages } from './snapshot.mjs';

export const SCENARIOS = [
  'keepalive',
  'churn',
  'reuseport',
  'fairness',
  'skewed',
  'echo',
  'startup',
  'memory',
  // @shoal/supervisor (issue 11): rolling reloads under load, the cost of supervision, respawn after a kill.
  'reload',
  'supervised-overhead',
  'respawn',
];
// Only when asked for by name (--only pm2): it installs PM2 from the npm registry, which CI must never do. Its
// figures go to pm2.json and pm2.md, next to (never over) latest.*.
export const OPT_IN_SCENARIOS = ['pm2', 'sticky'];
const KNOWN = [...SCENARIOS, ...OPT_IN_SCENARIOS];

const USAGE = `usage: node apps/bench/src/run.mjs [options]
  --quick               each scenario briefly (1 pair, ~1 s a run, no warm-up): a smoke run, not figures
  --control             node:cluster against itself on both sides: the noise floor of the ratios
  --pairs N             node/Shoal pairs per figure (default 5; 1 with --quick)
  --only LIST           comma-separated subset of: ${SCENARIOS.join(', ')}
                        (default: all of those); also ${OPT_IN_SCENARIOS.join(', ')}, which runs only when named
                        (pm2: shoal run vs PM2 cluster mode, installs PM2 into ~/.cache/shoal-bench on first use;
                        sticky: Shoal's routeBy vs @socket.io/sticky vs round robin, run alone)
  --out DIR             where latest.json, latest.md and latest.svg go (default apps/bench/results;
                        apps/bench/results/quick with --quick, so a smoke run never replaces the figures)
  --generator NAME      wrk or autocannon (default: wrk when on PATH, else autocannon)
  --live                run the packages' dist/ in the work tree (default: a frozen copy made at start)
  --cpu-prof DIR        run the HTTP primaries (and their workers) with --cpu-prof into DIR
  --help`;

export function configFrom(argv) {
  const { values } = parseArgs({
    // pnpm 10 hands on the `--` of `pnpm bench -- --quick`; what follows it are still options.
    args: argv[0] === '--' ? argv.slice(1) : argv,
    options: {
      quick: { type: 'boolean', default: false },
      control: { type: 'boolean', default: false },
      live: { type: 'boolean', default: false },
      pairs: { type: 'string' },
      only: { type: 'string' },
      out: { type: 'string' },
      generator: { type: 'string' },
      'cpu-prof': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const only = values.only ? values.only.split(',').map((name) => name.trim()) : SCENARIOS;
  for (const name of only) {
    if (!KNOWN.includes(name)) throw new Error(`unknown scenario '${name}'; known: ${KNOWN.join(', ')}`);
  }
  if (values.generator !== undefined && !['wrk', 'autocannon'].includes(values.generator)) {
    throw new Error(`--generator must be wrk or autocannon, not '${values.generator}'`);
  }
  const quick = values.quick;
  const pairs = values.pairs === undefined ? (quick ? 1 : 5) : Number(values.pairs);
  if (!Number.isInteger(pairs) || pairs < 1)
    throw new Error(`--pairs must be an integer ≥ 1, not '${values.pairs}'`);
  const here = path.dirname(fileURLToPath(import.meta.url));
  const cpuProfDir = values['cpu-prof'] === undefined ? undefined : path.resolve(values['cpu-prof']);
  return {
    quick,
    control: values.control,
    pairs,
    only,
    // A quick run's numbers are not figures: by default they stay out of the committed results.
    outDir: path.resolve(values.out ?? path.join(here, '..', 'results', ...(quick ? ['quick'] : []))),
    generator: pickGenerator(values.generator),
    primaryNodeArgs: cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [],
    cpuProfDir,
    // A warm-up pair first (discarded), and a warm-up load inside each HTTP run before the measured one.
    warmupPairs: quick ? 0 : 1,
    http: quick ? { warmupS: 0, durationS: 1 } : { warmupS: 2, durationS: 5 },
    fairness: quick
      ? { repetitions: 1, warmupS: 0, durationS: 1 }
      : { repetitions: 3, warmupS: 1, durationS: 3 },
    skewed: quick
      ? { repetitions: 1, warmupS: 0, durationS: 1 }
      : { repetitions: 3, warmupS: 1, durationS: 5 },
    echo: quick ? { warmupMs: 100, durationMs: 300 } : { warmupMs: 500, durationMs: 2000 },
    // Rolling reloads in a row per run, and fresh clusters (runs) per worker count; 2 kills per respawn run.
    reload: quick ? { count: 2, runs: 1 } : { count: 5, runs: 3 },
    respawn: quick ? { runs: 1 } : { runs: 5 },
    // The PM2 comparison: reloads in a row per run, runs per side and load kind.
    // Shorter waits for a quiet machine than the other scenarios' (44 runs), and at most 2 disturbed pairs re-run.
    pm2: quick
      ? { reloads: 2, reloadRuns: 1, quiet: { threshold: 1, maxWaitS: 0 }, maxRerunPairs: 0 }
      : { reloads: 10, reloadRuns: 3, quiet: { threshold: 0.1, maxWaitS: 20 }, maxRerunPairs: 2 },
    live: values.live,
    appsDir: liveAppsDir,
    // Before each HTTP run, wait (up to maxWaitS) until the machine is under `threshold` busy; a pair in
    // which more than maxOtherCpuShare of a core went to other processes is run again.
    quiet: quick ? { threshold: 1, maxWaitS: 0 } : { threshold: 0.1, maxWaitS: 120 },
    maxOtherCpuShare: quick ? Number.POSITIVE_INFINITY : 0.25,
  };
}

/** The commit the packages under test were built from, and whether packages/ had changes on top. */
function gitState() {
  const git = (...args) =>
    execFileSync('git', args, { cwd: path.dirname(fileURLToPath(import.meta.url)), encoding: 'utf8' }).trim();
  try {
    return {
      commit: git('rev-parse', 'HEAD'),
      dirty: git('status', '--porcelain', '--', '../../../packages') !== '',
    };
  } catch {
    return { commit: 'unknown', dirty: false };
  }
}

function log(scope) {
  return (message) => process.stderr.write(`[bench ${scope}] ${message}\n`);
}

export async function main(argv) {
  const config = configFrom(argv);
  mkdirSync(config.outDir, { recursive: true });
  if (config.cpuProfDir) mkdirSync(config.cpuProfDir, { recursive: true });
  const snapshot = config.live ? undefined : snapshotPackages();
  if (snapshot) {
    config.appsDir = snapshot.appsDir;
    process.on('exit', snapshot.remove);
  }
  const cpus = os.cpus();
  const meta = {
    schema: 1,
    startedAt: new Date().toISOString(),
    finishedAt: '',
    quick: config.quick,
    control: config.control,
    pairs: config.pairs,
    warmupPairs: config.warmupPairs,
    quiet: {
      ...config.quiet,
      maxOtherCpuShare: Number.isFinite(config.maxOtherCpuShare) ? config.maxOtherCpuShare : null,
    },
    durations: {
      http: config.http,
      fairness: config.fairness,
      skewed: config.skewed,
      echo: config.echo,
      reload: config.reload,
      respawn: config.respawn,
      pm2: config.pm2,
    },
    node: process.versions.node,
    ...gitState(),
    build: {
      fingerprint: snapshot?.fingerprint ?? buildFingerprint(),
      frozen: !config.live,
      changedDuringRun: false,
    },
    generator: config.generator,
    machine: {
      cpus: cpus.length,
      cpuModel: cpus[0]?.model.trim() ?? 'unknown',
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      kernel: os.release(),
      platform: process.platform,
    },
    machineLoad: { before: { busyShare: await busyShare(), loadavg: os.loadavg() }, after: {} },
    scenarios: config.only,
  };
  log('run')(
    `generator ${config.generator.name} ${config.generator.version}; CPU busy before start ` +
      `${(meta.machineLoad.before.busyShare * 100).toFixed(0)} %, load average ${os
        .loadavg()
        .map((v) => v.toFixed(2))
        .join(' ')}`,
  );

  const scenarios = {};
  const wants = (name) => config.only.includes(name);
  if (wants('sticky'))
    return (await import('./scenarios/sticky.mjs')).stickyMain(config, meta, log('sticky'));
  if (wants('keepalive') || wants('memory')) {
    scenarios.keepalive = await throughputScenario(config, { keepAlive: true, log: log('keepalive') });
  }
  if (wants('memory')) scenarios.memory = memoryScenario(scenarios.keepalive);
  if (wants('churn'))
    scenarios.churn = await throughputScenario(config, { keepAlive: false, log: log('churn') });
  if (wants('reuseport')) {
    const options = { shoalStrategy: 'reuseport', log: log('reuseport') };
    scenarios.reuseportKeepalive = await throughputScenario(config, { ...options, keepAlive: true });
    scenarios.reuseportChurn = await throughputScenario(config, { ...options, keepAlive: false });
  }
  if (wants('echo')) scenarios.echo = await echoScenario(config, { log: log('echo') });
  if (wants('startup')) scenarios.startup = await startupScenario(config, { log: log('startup') });
  if (wants('fairness')) scenarios.fairness = await fairnessScenario(config, { log: log('fairness') });
  if (wants('skewed')) scenarios.skewed = await skewedScenario(config, { log: log('skewed') });
  if (wants('reload')) scenarios.reload = await reloadScenario(config, { log: log('reload') });
  if (wants('supervised-overhead')) {
    const options = { log: log('supervised-overhead') };
    scenarios.supervisedOverhead = await supervisedOverheadScenario(config, options);
  }
  if (wants('respawn')) scenarios.respawn = await respawnScenario(config, { log: log('respawn') });
  const pm2 = wants('pm2') ? await pm2Scenario(config, { log: log('pm2') }) : undefined;

  meta.finishedAt = new Date().toISOString();
  // With a frozen copy a rebuild meanwhile did not matter, but say so: the commit may not be what ran.
  meta.build.changedDuringRun = buildFingerprint() !== meta.build.fingerprint;
  meta.machineLoad.after = { loadavg: os.loadavg() };
  if (pm2) {
    const pm2Results = { meta, targets: pm2Targets(pm2), scenarios: { pm2 } };
    const markdown = pm2Markdown(pm2Results);
    writeFileSync(path.join(config.outDir, 'pm2.json'), `${JSON.stringify(pm2Results, null, 2)}\n`);
    writeFileSync(path.join(config.outDir, 'pm2.md'), markdown);
    process.stdout.write(markdown);
    log('run')(`wrote ${path.join(config.outDir, 'pm2.{json,md}')}`);
    if (Object.keys(scenarios).length === 0) return pm2Results;
  }
  const results = { meta, targets: targetRows(scenarios), scenarios };
  const markdown = markdownReport(results);
  // JSON has no Infinity (a max/min where a worker got nothing): write it as the string "Infinity".
  const json = JSON.stringify(
    results,
    (_key, value) => (value === Number.POSITIVE_INFINITY ? 'Infinity' : value),
    2,
  );
  writeFileSync(path.join(config.outDir, 'latest.json'), `${json}\n`);
  writeFileSync(path.join(config.outDir, 'latest.md'), markdown);
  writeFileSync(path.join(config.outDir, 'latest.svg'), ratioChart(results));
  process.stdout.write(markdown);
  log('run')(`wrote ${path.join(config.outDir, 'latest.{json,md,svg}')}`);
  return results;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (error) => {
      process.stderr.write(`[bench] failed: ${error.stack ?? error}\n`);
      process.exit(1);
    },
  );
}
