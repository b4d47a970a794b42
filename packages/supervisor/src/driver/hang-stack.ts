// Asks a hung worker for its main thread's JavaScript stack, for the `hang` report: over the stack socket its
// watchdog thread serves (the IPC channel is read by the blocked main thread, so it cannot carry the question).
import { rm } from 'node:fs/promises';
import net from 'node:net';
import { stackSocketPath } from '@shoal/worker';
import type { SupervisedWorker } from './supervised-worker.js';
import type { HangReport } from './types.js';

/** The longest a hang report (and with it the kill) waits for the stack. */
export const HANG_STACK_TIMEOUT_MS = 500;

/** The stack, or why there is none. */
export type HangStack = Pick<HangReport, 'stack' | 'stackError'>;

/** Never rejects: whatever goes wrong becomes `stackError`. */
export async function takeHangStack(
  record: SupervisedWorker,
  timeoutMs: number = HANG_STACK_TIMEOUT_MS,
): Promise<HangStack> {
  const pid = record.worker.process.pid;
  if (pid === undefined) return { stack: undefined, stackError: 'the worker has no pid' };
  if (!record.session?.channel.peer?.features.includes('stack'))
    return { stack: undefined, stackError: "the worker's runtime serves no stack (no watchdog thread)" };
  const path = stackSocketPath(pid);
  // A worker killed now cannot remove its socket file: the supervisor does, once it has exited.
  if (process.platform !== 'win32')
    record.worker.process.once('exit', () => void rm(path, { force: true }).catch(() => {}));
  try {
    const answer = JSON.parse(await readLine(path, timeoutMs)) as { stack?: unknown; error?: unknown };
    if (Array.isArray(answer.stack) && answer.stack.every((frame) => typeof frame === 'string'))
      return { stack: answer.stack };
    return { stack: undefined, stackError: String(answer.error ?? 'the answer held no stack') };
  } catch (error) {
    return { stack: undefined, stackError: (error as Error).message };
  }
}

/** Connects to `path` and resolves with the first line it sends, within `timeoutMs`. */
function readLine(path: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(path);
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no stack within ${timeoutMs} ms`));
    }, timeoutMs);
    const settle = (error: Error | undefined): void => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(text);
    };
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
      const end = text.indexOf('\n');
      if (end !== -1) {
        text = text.slice(0, end);
        settle(undefined);
      }
    });
    socket.on('end', () => settle(new Error('the worker closed the stack socket without an answer')));
    socket.on('error', (error) => settle(error));
  });
}
