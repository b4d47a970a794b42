// The `hang` report carries the hung worker's JavaScript stack (taken by its watchdog thread through an
// inspector session on the main thread), or `stackError` when none could be taken within the deadline.
import { describe, expect, it } from 'vitest';
import { get, ProcessFixture } from '../../../tools/test-support/index.js';
import { freePort, supervisedPrimary } from './support.js';

/** The Node running the tests, then any in SHOAL_EXTRA_NODES (`scripts/install-node-versions.sh` prints them). */
const nodes = [
  process.execPath,
  ...(process.env.SHOAL_EXTRA_NODES ?? '').split(':').filter((entry) => entry !== ''),
];

/** One worker, hung by GET `path`: its `hang` event and its exit, once a new worker serves the slot. */
async function hangOnce(
  node: string,
  path: string,
): Promise<{ hang: Record<string, unknown>; exit: unknown }> {
  const port = await freePort();
  const primary = ProcessFixture.start(supervisedPrimary, {
    node,
    env: {
      SUPERVISE: JSON.stringify({
        workers: 1,
        heartbeat: { intervalMs: 100, thresholdMs: 600 },
        env: { PORT: String(port) },
      }),
    },
  });
  await primary.waitForEvent('all-ready');
  expect((await get(port, path)).body).toBe('hanging\n');
  const hang = await primary.waitForEvent('hang', {}, 5_000);
  const exit = await primary.waitForEvent('worker-exit', { workerPid: hang.workerPid });
  // Replaced as before: the stack did not keep the slot from its new worker.
  await primary.waitFor((e) => e.event === 'worker-ready' && e.workerPid !== hang.workerPid);
  return { hang, exit };
}

describe.each(nodes)('hang stack (%s)', (node) => {
  it('reports the busy loop’s JavaScript stack, innermost frame first', async () => {
    const { hang, exit } = await hangOnce(node, '/hang');
    expect(hang.stackError).toBeUndefined();
    const stack = hang.stack as string[];
    expect(stack[0]).toMatch(/^spinForever \(file:\/\/\/.*\/fixtures\/app\.mjs:\d+:\d+\)$/);
    expect((exit as { signal: string }).signal).toMatch(/SIGTERM|SIGKILL/);
  }, 30_000);

  it('reports stackError, and still replaces the worker, when its main thread runs no JavaScript', async () => {
    const { hang, exit } = await hangOnce(node, '/hang?in=native');
    expect(hang.stack).toBeUndefined();
    expect(hang.stackError).toBe('no stack within 500 ms');
    expect((exit as { signal: string }).signal).toMatch(/SIGTERM|SIGKILL/);
  }, 30_000);
});
