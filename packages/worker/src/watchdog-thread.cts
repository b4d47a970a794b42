// The orphan watchdog's thread: polls whether the primary (this process's parent) is still alive and, once it
// is gone, ends this worker process, whatever its main thread is doing (a busy loop included).
const { workerData } = require('node:worker_threads') as typeof import('node:worker_threads');

interface WatchdogData {
  /** The primary's pid, read by the main thread when the runtime started. */
  parentPid: number;
  pollMs: number;
  /** Time the app gets between SIGTERM and SIGKILL. */
  graceMs: number;
}

const { parentPid, pollMs, graceMs } = workerData as WatchdogData;

/** Reparenting (to init or a subreaper) changes ppid; ESRCH covers a platform that does not reparent. */
function parentIsGone(): boolean {
  if (process.ppid !== parentPid) return true;
  try {
    process.kill(parentPid, 0);
    return false;
  } catch (error) {
    // EPERM: the pid exists (maybe reused by someone else's process); ppid still says it is our parent.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function signalSelf(signal: NodeJS.Signals): void {
  try {
    process.kill(process.pid, signal);
  } catch {
    // Nothing is left to do from here; the next poll tries again.
  }
}

const poll = setInterval(() => {
  if (!parentIsGone()) return;
  clearInterval(poll);
  // SIGTERM first: with no handler it ends the process at once (its default action, busy main thread or
  // not); an app's own handler gets a short grace to flush, if its event loop runs. Then SIGKILL.
  signalSelf('SIGTERM');
  setTimeout(() => signalSelf('SIGKILL'), graceMs);
}, pollMs);
