// The two sides of the PM2 comparison behind one shape: start the plain app on N workers, say when it was ready by
// each tool's own signal and by every worker answering, give the supervising process and workers' pids, reload
// it with the tool's own command, stop it. Shoal: `shoal run app -i N --metrics 127.0.0.1:0`; PM2: `pm2 start
// app -i N` (cluster mode) in a fresh PM2_HOME, whose daemon is launched first with `pm2 ping`.

import { ShoalRun } from '../shoal-run.mjs';
import { freePort } from '../supervised-cluster.mjs';
import { Pm2 } from './pm2-driver.mjs';
import { everyWorkerAnswers, get } from './probe.mjs';

const APP_NAME = 'bench';

/** @returns {Promise<Side>} */
export async function startShoal({ bin, app, workers }) {
  const port = await freePort();
  const started = performance.now();
  const run = new ShoalRun({ bin, app, workers, port, flags: ['--metrics', '127.0.0.1:0'] });
  try {
    const [answeredAt, ready] = await Promise.all([everyWorkerAnswers(port, workers), run.waitFor('ready')]);
    const metrics = await run.waitFor('metrics');
    return {
      side: 'shoal',
      port,
      supervisorPid: run.pid,
      workerPids: async () => run.workerPids(),
      startup: {
        // From spawning `shoal run` until every worker answered on the port.
        toEveryWorkerAnsweringMs: answeredAt - started,
        // Until its `ready` event's line arrived on stderr (every worker listening), and that event's own figure.
        toReadyEventMs: ready.at - started,
        readyEventDurationMs: ready.durationMs,
      },
      /** A Prometheus scrape, as a deployment with --metrics gets: its cost is in the primary's RSS. */
      scrape: () => get(`http://${metrics.host}:${metrics.port}/metrics`),
      async reload() {
        const { stdout, ms } = await run.cli(['reload', '--json']);
        const report = JSON.parse(stdout);
        return { ok: report.ok === true, commandMs: ms, durationMs: report.durationMs };
      },
      stop: () => run.stop(),
    };
  } catch (error) {
    await run.stop();
    throw error;
  }
}

/** @returns {Promise<Side>} */
export async function startPm2({ install, app, workers }) {
  const port = await freePort();
  const pm2 = new Pm2(install, { env: { PORT: String(port) } });
  try {
    const ping = await pm2.cli(['ping']);
    const started = performance.now();
    const [answeredAt, start] = await Promise.all([
      everyWorkerAnswers(port, workers),
      pm2.cli(['start', app, '-i', String(workers), '--name', APP_NAME]),
    ]);
    // `pm2 jlist` until every instance is `online` (PM2 sets that when the worker process is up, before it
    // listens, unless the app is started with --wait-ready); polled after `pm2 start` returned.
    let onlineAt;
    for (let i = 0; i < 100 && onlineAt === undefined; i++) {
      const list = (await pm2.list()).filter((p) => p.name === APP_NAME);
      if (list.length === workers && list.every((p) => p.status === 'online')) onlineAt = performance.now();
    }
    if (onlineAt === undefined) throw new Error('pm2 jlist never showed every instance online');
    const listed = (await pm2.list()).filter((p) => p.name === APP_NAME);
    if (listed.some((p) => p.execMode !== 'cluster_mode'))
      throw new Error(`pm2 did not run cluster mode: ${JSON.stringify(listed)}`);
    return {
      side: 'pm2',
      port,
      supervisorPid: pm2.daemonPid(),
      workerPids: async () => (await pm2.list()).filter((p) => p.name === APP_NAME).map((p) => p.pid),
      startup: {
        // `pm2 ping` in a fresh PM2_HOME: the CLI launching the daemon (what a first `pm2 start` pays too).
        daemonLaunchMs: ping.ms,
        // From spawning `pm2 start` (daemon already up) until every worker answered on the port.
        toEveryWorkerAnsweringMs: answeredAt - started,
        pm2StartReturnedMs: start.ms,
        toJlistAllOnlineMs: onlineAt - started,
      },
      scrape: async () => undefined,
      async reload() {
        const { ms } = await pm2.cli(['reload', APP_NAME]);
        return { ok: true, commandMs: ms, durationMs: ms };
      },
      stop: () => pm2.stop(),
    };
  } catch (error) {
    await pm2.stop();
    throw error;
  }
}

/**
 * @typedef {{side: 'shoal'|'pm2', port: number, supervisorPid: number, workerPids: () => Promise<number[]>,
 *   startup: object, scrape: () => Promise<unknown>, reload: () => Promise<{ok: boolean, commandMs: number,
 *   durationMs: number}>, stop: () => Promise<void>}} Side
 */
