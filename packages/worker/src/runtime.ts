// Shoal's worker runtime: opens the extension channel to the primary, reports this worker's load, and —
// as the environment the primary forked it with asks — heartbeats, metrics, the orphan watchdog; answers
// the primary's `shoal.drain`, `shoal.ping` and `shoal.socketCopy`, takes hand-offs that come with bytes; the
// watchdog thread also serves the main thread's stack. Whatever fails here is swallowed: never the app's problem.
import cluster from 'node:cluster';
import { isMainThread } from 'node:worker_threads';
import { ExtensionChannel } from '@shoal/protocol';
import { acceptConnectionDeliveries } from './connection-delivery.js';
import { Drain, type DrainResult } from './drain.js';
import { parseDrainParams } from './drain-params.js';
import { heartbeatIntervalFromEnv, startHeartbeat } from './heartbeat.js';
import { ListeningServers } from './listening-servers.js';
import { LoadTracker } from './load-tracker.js';
import { MisrouteGuard } from './misroute-guard.js';
import { processTransport } from './process-transport.js';
import { sendSocketCopy } from './socket-copy.js';
import { stackSocketPath } from './stack-socket-path.js';
import { leaveTerminalSignalsToPrimary } from './terminal-signals.js';
import { startWatchdog } from './watchdog.js';

export interface WorkerRuntime {
  readonly channel: ExtensionChannel;
  readonly load: LoadTracker;
  /** Keys this worker holds, for requests that arrive on kept-alive connections routed by another key. */
  readonly misroutes: MisrouteGuard;
  /** What `shoal.drain` does, for this process itself. */
  drain(timeoutMs: number): Promise<DrainResult>;
  stop(): void;
}

let running: WorkerRuntime | undefined;

/** The shortest time between two load reports. */
const reportGapMs = 10;

/** Starts the runtime once per process; later calls return the running one. */
export function startWorkerRuntime(): WorkerRuntime {
  if (running) return running;
  const stops: Array<() => void> = [];
  const features = ['load', 'drain'];
  // Only the main thread of a cluster worker has a primary to outlive; anywhere else it would kill
  // a process that has no reason to die.
  if (process.env.SHOAL_TERMINAL_SIGNALS === 'primary' && isMainThread && cluster.isWorker) {
    stops.push(leaveTerminalSignalsToPrimary());
  }
  if (process.env.SHOAL_WATCHDOG === '1' && isMainThread && cluster.isWorker) {
    const stopWatchdog = attempt(() => startWatchdog({ stackSocket: stackSocketPath(process.pid) }));
    if (stopWatchdog) {
      stops.push(stopWatchdog);
      features.push('watchdog', 'stack');
    }
  }
  const heartbeatMs = heartbeatIntervalFromEnv(process.env.SHOAL_HEARTBEAT_MS);
  if (heartbeatMs !== undefined) features.push('heartbeat', 'metrics');
  const channel = new ExtensionChannel(processTransport(), {
    role: 'worker',
    features,
    pid: process.pid,
  });
  let reportScheduled = false;
  let lastReport = Number.NEGATIVE_INFINITY;
  const report = (): void => {
    reportScheduled = false;
    lastReport = performance.now();
    channel.sendLoad(load.snapshot());
  };
  // Many changes make one report: at the end of this turn of the event loop, and at most one per
  // reportGapMs, so short connections do not cost the primary an IPC message each.
  const load = new LoadTracker(() => {
    drain.onLoadChange();
    if (reportScheduled) return;
    reportScheduled = true;
    const wait = lastReport + reportGapMs - performance.now();
    // Neither is unref'd: an unref'd immediate waits for the next I/O event, delaying the report indefinitely.
    if (wait <= 0) setImmediate(report);
    else setTimeout(report, wait);
  });
  const servers = new ListeningServers();
  const drain = new Drain(load, servers);
  // A draining worker serves what reaches it (its responses say Connection: close): at a shutdown there may be no
  // other worker left to send a request to.
  const misroutes = new MisrouteGuard(() => !drain.draining);
  stops.push(acceptConnectionDeliveries(servers, misroutes));
  channel.on('protocolError', () => {
    // A message this worker cannot read is dropped; it must never take the application down.
  });
  channel.handle('shoal.drain', (params) => {
    const { timeoutMs, closeIdle } = parseDrainParams(params);
    return drain.start(timeoutMs, closeIdle);
  });
  channel.handle('shoal.ping', () => ({ pid: process.pid, uptimeMs: Math.round(process.uptime() * 1000) }));
  channel.handle('shoal.socketCopy', (params) => {
    const port = (params as { port?: unknown } | null)?.port;
    return typeof port === 'number' && sendSocketCopy(servers, port);
  });
  channel.start();
  if (heartbeatMs !== undefined) {
    const stopHeartbeat = attempt(() =>
      startHeartbeat(channel, heartbeatMs, () => ({ requestsTotal: load.requestsTotal })),
    );
    if (stopHeartbeat) stops.push(stopHeartbeat);
  }
  running = {
    channel,
    load,
    misroutes,
    drain: (timeoutMs) => drain.start(timeoutMs),
    stop() {
      for (const stop of stops) stop();
      drain.stop();
      servers.stop();
      load.stop();
      channel.close();
      running = undefined;
    },
  };
  return running;
}

/** The running runtime, if any, without starting one. */
export function runningWorkerRuntime(): WorkerRuntime | undefined {
  return running;
}

function attempt<T>(start: () => T): T | undefined {
  try {
    return start();
  } catch {
    return undefined;
  }
}
