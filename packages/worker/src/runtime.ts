// Shoal's worker runtime: opens the extension channel to the primary and reports this worker's load.
import { ExtensionChannel } from '@shoal/protocol';
import { LoadTracker } from './load-tracker.js';
import { processTransport } from './process-transport.js';

export interface WorkerRuntime {
  readonly channel: ExtensionChannel;
  readonly load: LoadTracker;
  stop(): void;
}

let running: WorkerRuntime | undefined;

/** The shortest time between two load reports. */
const reportGapMs = 10;

/** Starts the runtime once per process; later calls return the running one. */
export function startWorkerRuntime(): WorkerRuntime {
  if (running) return running;
  const channel = new ExtensionChannel(processTransport(), {
    role: 'worker',
    features: ['load'],
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
    if (reportScheduled) return;
    reportScheduled = true;
    const wait = lastReport + reportGapMs - performance.now();
    // Neither is unref'd: an unref'd immediate waits for the next I/O event, delaying the report indefinitely.
    if (wait <= 0) setImmediate(report);
    else setTimeout(report, wait);
  });
  channel.on('protocolError', () => {
    // A message this worker cannot read is dropped; it must never take the application down.
  });
  channel.start();
  running = {
    channel,
    load,
    stop() {
      load.stop();
      channel.close();
      running = undefined;
    },
  };
  return running;
}
