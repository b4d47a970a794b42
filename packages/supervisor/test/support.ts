// Starting the supervised fixture primary, and talking to it.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { type FixtureEvent, ProcessFixture } from '../../../tools/test-support/index.js';

export const supervisedPrimary = fileURLToPath(new URL('./fixtures/supervised.mjs', import.meta.url));

/** A port free right now (the kernel picked it), for apps that listen on a fixed one. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function startSupervised(
  options: Record<string, unknown>,
  env: NodeJS.ProcessEnv = {},
): ProcessFixture {
  return ProcessFixture.start(supervisedPrimary, {
    env: { SUPERVISE: JSON.stringify(options), ...env },
  });
}

let nextId = 0;

/** Sends a command to the fixture and resolves with its reply. */
export async function command(
  primary: ProcessFixture,
  fields: Record<string, unknown>,
  timeoutMs = 20_000,
): Promise<FixtureEvent> {
  const id = ++nextId;
  primary.send({ ...fields, id });
  return primary.waitFor(
    (event) => event.event === 'reply' && event.id === id,
    timeoutMs,
    `reply to ${fields.do}`,
  );
}

/** Whether `pid` has died: gone, or a zombie (dead, waiting for whoever adopted it to reap it — which PID 1 of
 * a container may take seconds to do). */
export function dead(pid: number): boolean {
  if (process.platform === 'linux') {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
    } catch {
      return true;
    }
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

/** Resolves with how long `pid` took to die; rejects after `timeoutMs` (another process's death has no event). */
export async function died(pid: number, timeoutMs: number): Promise<number> {
  const start = Date.now();
  while (!dead(pid)) {
    if (Date.now() - start > timeoutMs) throw new Error(`process ${pid} still alive after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return Date.now() - start;
}
