// Starts the orphan watchdog: a small worker_threads thread (watchdog-thread.cts) that ends this worker
// process when the primary dies, even while the main thread is blocked and cannot see the IPC disconnect.
import { Worker } from 'node:worker_threads';

export interface WatchdogOptions {
  /** How often the thread checks the parent. */
  pollMs?: number;
  /** SIGTERM → SIGKILL grace once the parent is gone. */
  graceMs?: number;
}

/** 100 ms polls plus a 500 ms grace keep a busy worker's exit well within 2 s of the primary's death. */
export const WATCHDOG_POLL_MS = 100;
export const WATCHDOG_GRACE_MS = 500;

const threadFile = new URL('./watchdog-thread.cjs', import.meta.url);

/** Starts the thread, unref'd so it never keeps the process alive; returns a function that stops it. */
export function startWatchdog(options: WatchdogOptions = {}): () => void {
  const worker = new Worker(threadFile, {
    workerData: {
      parentPid: process.ppid,
      pollMs: options.pollMs ?? WATCHDOG_POLL_MS,
      graceMs: options.graceMs ?? WATCHDOG_GRACE_MS,
    },
    // Nothing of the app's: no argv, execArgv (its flags, preloads, inspector) or environment.
    argv: [],
    execArgv: [],
    env: {},
    stdin: false,
    // A cap, not a reservation: the thread uses ~5 MB of heap; 6 MB fails to start on Node 24.
    resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 1, stackSizeMb: 1 },
    name: 'shoal-watchdog',
  } as ConstructorParameters<typeof Worker>[1]);
  worker.unref();
  worker.on('error', (error) => {
    // The app must not go down because its watchdog could not run; it only loses the orphan guard.
    process.emitWarning(`Shoal's orphan watchdog thread failed: ${error.message}`, {
      code: 'SHOAL_WARN_WATCHDOG_FAILED',
    });
  });
  return () => {
    void worker.terminate().catch(() => {});
  };
}
