// Starts the orphan watchdog: a small worker_threads thread (watchdog-thread.cts) that ends this worker
// process when the primary dies, even while the main thread is blocked and cannot see the IPC disconnect.
import { rmSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

export interface WatchdogOptions {
  /** How often the thread checks the parent. */
  pollMs?: number;
  /** SIGTERM → SIGKILL grace once the parent is gone. */
  graceMs?: number;
  /** Serve the main thread's stack on this socket path (stack-socket-path.ts). */
  stackSocket?: string;
}

/** 100 ms polls plus a 500 ms grace keep a busy worker's exit well within 2 s of the primary's death. */
export const WATCHDOG_POLL_MS = 100;
export const WATCHDOG_GRACE_MS = 500;

const threadFile = new URL('./watchdog-thread.cjs', import.meta.url);

/** Starts the thread, unref'd so it never keeps the process alive; returns a function that stops it. */
export function startWatchdog(options: WatchdogOptions = {}): () => void {
  const { stackSocket } = options;
  const worker = new Worker(threadFile, {
    workerData: {
      parentPid: process.ppid,
      pollMs: options.pollMs ?? WATCHDOG_POLL_MS,
      graceMs: options.graceMs ?? WATCHDOG_GRACE_MS,
      stackSocket,
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
  // The thread cannot remove its socket file as the process exits (it is stopped first): this thread does.
  const removeStackSocket = (): void => {
    if (stackSocket === undefined || process.platform === 'win32') return;
    try {
      rmSync(stackSocket, { force: true });
    } catch {
      // Left behind, it is replaced by the next process with this pid; never a reason to fail an exit.
    }
  };
  if (stackSocket !== undefined) process.once('exit', removeStackSocket);
  worker.on('error', (error) => {
    // The app must not go down because its watchdog could not run; it only loses the orphan guard.
    process.emitWarning(`Shoal's orphan watchdog thread failed: ${error.message}`, {
      code: 'SHOAL_WARN_WATCHDOG_FAILED',
    });
  });
  return () => {
    process.off('exit', removeStackSocket);
    removeStackSocket();
    void worker.terminate().catch(() => {});
  };
}
