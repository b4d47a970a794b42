// One run of the Socket.IO app (apps/socketio-app.mjs) in one variant, on a fresh cluster: first churn (open
// sessions, then a new connection per request on /?sid=<their ids>), then polling sessions (a socket.io-client
// child doing acknowledged emits). CPU of the primary, the workers and the rest of the machine from /proc.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { AppProcess } from '../app-process.mjs';
import { cpuMs, machineBusyMs } from '../proc-stat.mjs';
import { waitForQuiet } from '../quiet.mjs';
import { openSessions } from './handshakes.mjs';
import { runPathsLoad } from './paths-load.mjs';

// socket.io and @socket.io/sticky resolve from this app's package, also for the frozen copy of the program.
const depsFrom = fileURLToPath(new URL('../../package.json', import.meta.url));
const sessionsChild = fileURLToPath(new URL('./sessions-child.mjs', import.meta.url));

const sum = (values) => values.reduce((total, value) => total + (value ?? Number.NaN), 0);
const per1000 = (ms, count) => (count > 0 ? (ms / count) * 1000 : Number.NaN);

async function startApp(config, settings, variant) {
  const app = new AppProcess(path.join(config.appsDir, 'socketio-app.mjs'), {
    env: { VARIANT: variant, WORKERS: String(settings.workers), PORT: '0', BENCH_DEPS_FROM: depsFrom },
    nodeArgs: config.primaryNodeArgs ?? [],
  });
  try {
    return { app, ready: await app.waitFor('ready') };
  } catch (error) {
    await app.stop();
    throw error;
  }
}

/** CPU of the measured processes and of everything else over `measure()`, which reports its own CPU as cpuMs. */
async function withCpu(ready, measure) {
  const { primaryPid, workerPids } = ready;
  const primaryBefore = cpuMs(primaryPid);
  const workersBefore = sum(workerPids.map(cpuMs));
  const machineBefore = machineBusyMs();
  const runnerBefore = process.cpuUsage();
  const started = performance.now();
  const result = await measure();
  const wallS = (performance.now() - started) / 1000;
  const primaryCpuMs = cpuMs(primaryPid) - primaryBefore;
  const workersCpuMs = sum(workerPids.map(cpuMs)) - workersBefore;
  const runner = process.cpuUsage(runnerBefore);
  const runnerMs = (runner.user + runner.system) / 1000;
  const otherMs = machineBusyMs() - machineBefore - primaryCpuMs - workersCpuMs - result.cpuMs - runnerMs;
  return {
    result,
    wallS,
    primaryCpuMs,
    workersCpuMs,
    primaryCpuShare: primaryCpuMs / 1000 / wallS,
    workersCpuShare: workersCpuMs / 1000 / wallS,
    // Cores busy outside the benchmark meanwhile (other people's test runs on this machine).
    otherCpuShare: otherMs / 1000 / wallS,
    otherMs,
  };
}

/**
 * (a) Churn: `settings.keys` sessions opened by handshakes, a warm-up, counters reset, then the measured load —
 * every request on a new connection, each carrying the next session's id (`/?sid=<id>`).
 */
async function churnPart(config, settings, app, ready) {
  const sids = await openSessions(ready.port, settings.keys);
  const load = {
    port: ready.port,
    connections: settings.connections,
    paths: sids.map((id) => `/?sid=${id}`),
  };
  if (settings.warmupS > 0) await runPathsLoad(config.generator, { ...load, durationS: settings.warmupS });
  await app.request('reset');
  const measured = await withCpu(ready, () =>
    runPathsLoad(config.generator, { ...load, durationS: settings.durationS }),
  );
  const stats = await app.request('stats');
  const result = measured.result;
  const plain = sum(stats.workers.map((worker) => worker.plain));
  const own = sum(stats.workers.map((worker) => worker.plainOwnSession));
  const connections = sum(stats.workers.map((worker) => worker.connections));
  return {
    rps: result.rps,
    requests: result.requests,
    durationS: result.durationS,
    errors: result.errors,
    errorDetail: result.errorDetail,
    latencyMs: result.latencyMs,
    generatorCpuShare: result.cpuShare,
    primaryCpuShare: measured.primaryCpuShare,
    workersCpuShare: measured.workersCpuShare,
    otherCpuShare: measured.otherCpuShare,
    otherCpuMs: measured.otherMs,
    wallS: measured.wallS,
    primaryCpuMsPer1000Connections: per1000(measured.primaryCpuMs, connections),
    // CPU time is steadier than req/s on a shared machine: what the cluster spent per connection, in all.
    clusterCpuMsPer1000Connections: per1000(measured.primaryCpuMs + measured.workersCpuMs, connections),
    // Share of the plain requests that reached the worker holding the session their sid names.
    ownSessionShare: plain > 0 ? own / plain : Number.NaN,
    perWorker: stats.workers.map(({ plain: p, plainOwnSession, connections: c, liveSessions }) => ({
      plain: p,
      ownSession: plainOwnSession,
      connections: c,
      liveSessions,
    })),
  };
}

async function runSessionsChild(options) {
  const child = spawn(process.execPath, [sessionsChild, JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const [code] = await once(child, 'exit');
  const line = stdout.split('\n').find((text) => text.startsWith('SESSIONS_JSON '));
  if (line === undefined)
    throw new Error(`sessions child exited with ${code} and no result:\n${stdout}\n${stderr}`);
  return JSON.parse(line.slice('SESSIONS_JSON '.length));
}

/**
 * (b) Polling sessions, on the same cluster after (a), counters reset: `clients` socket.io-client sessions at
 * once, each `emits` acknowledged emits.
 */
async function sessionsPart(settings, app, ready) {
  await app.request('reset');
  const { clients, emits, timeoutMs } = settings.polling;
  const measured = await withCpu(ready, () =>
    runSessionsChild({ url: `http://127.0.0.1:${ready.port}`, clients, emits, timeoutMs }),
  );
  const stats = await app.request('stats');
  const result = measured.result;
  return {
    clients,
    emits,
    completed: result.completed,
    failed: result.failed,
    errors: result.errors,
    acked: result.acked,
    durationMs: result.durationMs,
    ackedPerS: result.acked / (result.durationMs / 1000),
    sessionMs: result.sessionMs,
    clientCpuShare: result.loadCpuMs / result.durationMs,
    primaryCpuShare: measured.primaryCpuShare,
    workersCpuShare: measured.workersCpuShare,
    otherCpuShare: measured.otherCpuShare,
    otherCpuMs: measured.otherMs,
    wallS: measured.wallS,
    httpRequests: sum(stats.workers.map((worker) => worker.requests)),
    perWorker: stats.workers.map(({ sessions, acks, requests }) => ({ sessions, acks, requests })),
  };
}

/** Both parts on one fresh cluster of `variant`, after a wait for a quiet machine. */
export async function variantRun(config, settings, variant) {
  const waitedForQuietS = await waitForQuiet({ quiet: settings.quiet });
  const loadavg1 = os.loadavg()[0];
  const { app, ready } = await startApp(config, settings, variant);
  try {
    const churn = await churnPart(config, settings, app, ready);
    const sessions = await sessionsPart(settings, app, ready);
    // Over the whole run, both parts weighted by their length (a failing round-robin polling part is short).
    const otherCpuShare = (churn.otherCpuMs + sessions.otherCpuMs) / 1000 / (churn.wallS + sessions.wallS);
    const { startupMs, primaryPid, workerPids } = ready;
    return {
      variant,
      startupMs,
      primaryPid,
      workerPids,
      waitedForQuietS,
      loadavg1,
      otherCpuShare,
      churn,
      sessions,
    };
  } finally {
    await app.stop();
  }
}
