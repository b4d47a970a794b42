// The orphan watchdog's thread: polls whether the primary (this process's parent) is still alive and, once it
// is gone, ends this worker process, whatever its main thread is doing (a busy loop included); and serves the
// main thread's stack to a supervisor that found the worker hung.
const { workerData } = require('node:worker_threads') as typeof import('node:worker_threads');

interface WatchdogData {
  /** The primary's pid, read by the main thread when the runtime started. */
  parentPid: number;
  pollMs: number;
  /** Time the app gets between SIGTERM and SIGKILL. */
  graceMs: number;
  /** Where to serve the main thread's stack (stack-server.ts), if at all. */
  stackSocket?: string;
}

const { parentPid, pollMs, graceMs, stackSocket } = workerData as WatchdogData;

// This thread is the one part of a hung worker still running JavaScript: it answers the supervisor's stack request.
if (stackSocket) {
  try {
    (require('./stack-server.js') as typeof import('./stack-server.js')).serveStacks(stackSocket);
  } catch {
    // The orphan guard matters more than the stacks: it keeps running without them.
  }
}

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
  // Signals skip the main thread's exit handler, which would remove the stack socket's file.
  if (stackSocket && process.platform !== 'win32') {
    try {
      require('node:fs').rmSync(stackSocket, { force: true });
    } catch {}
  }
  // SIGTERM first: with no handler it ends the process at once (its default action, busy main thread or
  // not); an app's own handler gets a short grace to flush, if its event loop runs. Then SIGKILL.
  signalSelf('SIGTERM');
  setTimeout(() => signalSelf('SIGKILL'), graceMs);
}, pollMs);
