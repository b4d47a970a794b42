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

/** Starts the runtime once per process; later calls return the running one. */
export function startWorkerRuntime(): WorkerRuntime {
  if (running) return running;
  const channel = new ExtensionChannel(processTransport(), { role: 'worker', features: ['load'] });
  let reportScheduled = false;
  const report = (): void => {
    reportScheduled = false;
    channel.sendLoad(load.snapshot());
  };
  // Many changes in one turn of the event loop make one report.
  const load = new LoadTracker(() => {
    if (reportScheduled) return;
    reportScheduled = true;
    // Not unref'd: an unref'd immediate waits for the next I/O event, delaying the report indefinitely.
    setImmediate(report);
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
