// Stops one worker in order: drain (in-flight requests finish, keep-alive connections close after their next
// response), disconnect (servers close, the IPC channel closes), SIGTERM, SIGKILL — each step with a deadline.
import type { Worker, WorkerSession } from '@shoal/primary';
import { type ExitResult, exited, exitedWithin } from './exit-watch.js';

export interface KillLadderOptions {
  /** Longest wait for the worker's connections to finish (drain); 0 skips draining. */
  drainTimeoutMs: number;
  /** Close idle keep-alive connections when the drain starts (after a shutdown's delay: nothing sends any more). */
  closeIdle?: boolean;
  /** Longest wait for an exit after `disconnect()`. */
  disconnectTimeoutMs: number;
  /** Longest wait for an exit after SIGTERM, before SIGKILL. */
  termTimeoutMs: number;
}

/** How the worker went: the step that ended it, and how long draining left connections open. */
export interface StopResult extends ExitResult {
  step: 'already-exited' | 'disconnect' | 'sigterm' | 'sigkill';
  /** Connections still open when draining ended (0: all finished), undefined when not drained. */
  leftOpen: number | undefined;
}

/**
 * `hung`: the worker's main thread is stuck, so it can neither drain nor disconnect: straight to SIGTERM (which
 * ends it unless the app handles the signal, and a handler cannot run) and then SIGKILL.
 */
export async function stopWorker(
  worker: Worker,
  session: WorkerSession | undefined,
  options: KillLadderOptions,
  hung = false,
): Promise<StopResult> {
  const child = worker.process;
  if (child.exitCode !== null || child.signalCode !== null)
    return { ...(await exited(worker)), step: 'already-exited', leftOpen: undefined };
  let leftOpen: number | undefined;
  if (!hung && worker.isConnected()) {
    if (options.drainTimeoutMs > 0 && session?.hasRuntime)
      leftOpen = await drain(session, options.drainTimeoutMs, options.closeIdle === true);
    // Once only: a worker whose loop is busy gets a second `disconnect` queued behind the first, and handling it
    // after its channel closed throws ERR_IPC_DISCONNECTED in the worker (as with node:cluster). Two stops of one
    // worker can overlap: a start timeout and the reload that started it both stop it.
    if (worker.isConnected() && worker.exitedAfterDisconnect !== true) worker.disconnect();
    const result = await exitedWithin(worker, options.disconnectTimeoutMs);
    if (result) return { ...result, step: 'disconnect', leftOpen };
  }
  signal(worker, 'SIGTERM');
  const terminated = await exitedWithin(worker, options.termTimeoutMs);
  if (terminated) return { ...terminated, step: 'sigterm', leftOpen };
  signal(worker, 'SIGKILL');
  return { ...(await exited(worker)), step: 'sigkill', leftOpen };
}

/** Asks the worker runtime to drain; resolves with the connections still open, or undefined if it could not ask. */
async function drain(
  session: WorkerSession,
  timeoutMs: number,
  closeIdle: boolean,
): Promise<number | undefined> {
  try {
    const result = (await session.channel.request(
      'shoal.drain',
      closeIdle ? { timeoutMs, closeIdle } : { timeoutMs },
      // A little longer than the worker's own deadline, so its answer (with what is left) arrives first.
      { timeoutMs: timeoutMs + 1_000 },
    )) as { connections?: unknown } | undefined;
    return typeof result?.connections === 'number' ? result.connections : undefined;
  } catch {
    return undefined; // it left meanwhile, or cannot drain: the next steps stop it
  }
}

function signal(worker: Worker, name: NodeJS.Signals): void {
  try {
    worker.process.kill(name);
  } catch {
    // Already gone.
  }
}
