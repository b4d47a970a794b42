// The stack service, run on the watchdog thread: each connection to the worker's stack socket gets one JSON
// line, `{ "stack": [...] }` or `{ "error": "..." }`, with the main thread's stack taken while it is stuck.
import { chmodSync, rmSync } from 'node:fs';
import net from 'node:net';
import { captureMainThreadStack } from './main-thread-stack.js';

/** A main thread blocked outside JavaScript (a synchronous syscall, Atomics.wait) never pauses: give up then. */
const captureTimeoutMs = 2_000;

/** Listens on `path`; unref'd, so it never keeps the thread alive. Failures cost the stacks only. */
export function serveStacks(path: string): net.Server {
  const posix = process.platform !== 'win32';
  // An earlier process with this pid, SIGKILLed, could not remove its socket file.
  if (posix) rmSync(path, { force: true });
  const server = net.createServer((socket) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), captureTimeoutMs);
    // The supervisor gave up (its deadline passed): drop the capture, and with it a pause still pending.
    socket.on('close', () => controller.abort());
    socket.on('error', () => {});
    captureMainThreadStack(controller.signal)
      .then(
        (stack) => ({ stack }),
        (error: Error) => ({ error: error.message }),
      )
      .then((answer) => {
        clearTimeout(timer);
        if (!socket.destroyed) socket.end(`${JSON.stringify(answer)}\n`);
      });
  });
  server.on('error', () => {});
  server.listen(path, () => {
    // Only this user may pause the process and read its stack.
    if (posix) {
      try {
        chmodSync(path, 0o600);
      } catch {}
    }
  });
  server.unref();
  return server;
}
