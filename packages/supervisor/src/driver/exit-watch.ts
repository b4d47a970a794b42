// Waiting for a worker process to exit, with a deadline: the one primitive the kill ladder is built from.
import type { Worker } from '@shoal/primary';

export interface ExitResult {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The worker's exit, already happened or to come. */
export function exited(worker: Worker): Promise<ExitResult> {
  const child = worker.process;
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode as NodeJS.Signals | null });
  return new Promise((resolve) => {
    child.once('exit', (code: number | null, signal: NodeJS.Signals | null) => resolve({ code, signal }));
  });
}

/** The exit if it happens within `ms`, else undefined (the timer never keeps the primary alive on its own). */
export function exitedWithin(worker: Worker, ms: number): Promise<ExitResult | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    timer.unref();
    void exited(worker).then((result) => {
      clearTimeout(timer);
      resolve(result);
    });
  });
}
