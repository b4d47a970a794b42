// Where a worker process serves its main thread's stack: a name both sides derive from the worker's pid, so
// the supervisor can ask a worker whose main thread (and with it the IPC channel) is blocked.
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A named pipe on Windows; elsewhere a socket file in the OS temporary directory (0600 once listening). */
export function stackSocketPath(pid: number): string {
  if (process.platform === 'win32') return `\\\\.\\pipe\\shoal-stack-${pid}`;
  return join(tmpdir(), `shoal-stack-${pid}.sock`);
}
