// Faults a supervisor must survive: a worker stuck in a busy loop, a primary killed with SIGKILL, a worker
// growing past its memory limit.
import { describe, expect, it } from 'vitest';
import { get, startLoad } from '../../../tools/test-support/index.js';
import { command, died, freePort, startSupervised } from './support.js';

describe('faults', () => {
  it('detects a worker stuck in a loop within the threshold, replaces it, and keeps serving', async () => {
    const port = await freePort();
    const primary = startSupervised({
      workers: 2,
      heartbeat: { intervalMs: 100, thresholdMs: 600 },
      env: { PORT: String(port) },
    });
    await primary.waitForEvent('all-ready');
    // Send /hang until the worker that answers it is stuck (round robin may pick either).
    const reply = await get(port, '/hang');
    expect(reply.body).toBe('hanging\n');
    const hang = await primary.waitForEvent('hang', {}, 5_000);
    expect(hang.silentMs).toBeGreaterThan(600);
    expect(hang.silentMs).toBeLessThan(2_000);
    const exit = await primary.waitForEvent('worker-exit', { workerPid: hang.workerPid });
    expect(exit.signal).toMatch(/SIGTERM|SIGKILL/);
    await primary.waitFor(
      (e) => e.event === 'worker-ready' && e.index === hang.index && e.workerPid !== hang.workerPid,
    );
    const load = startLoad({ port, keepAliveClients: 2, newConnectionClients: 2, maxMs: 20_000 });
    await load.reached(200);
    const result = await load.stop();
    expect(result.failed).toBe(0);
    expect(new Set(Object.keys(result.byFirstWord))).toEqual(new Set(['0', '1']));
    // The other worker's heartbeats kept coming all along: only the stuck one was reported.
    expect(primary.named('hang')).toHaveLength(1);
  }, 30_000);

  it('takes every worker down within 2 s when the primary is killed with SIGKILL, a busy-looping one included', async () => {
    const port = await freePort();
    const primary = startSupervised({ workers: 2, heartbeat: false, env: { PORT: String(port) } });
    const { snapshot } = await primary.waitForEvent('all-ready');
    const pids = (snapshot as { workers: Array<{ pid: number }> }).workers.map((w) => w.pid);
    expect((await get(port, '/hang')).body).toBe('hanging\n');
    primary.child.kill('SIGKILL');
    await primary.waitForExit();
    const times = await Promise.all(pids.map((pid) => died(pid, 2_000)));
    expect(Math.max(...times)).toBeLessThan(2_000);
  });

  it('replaces a worker over its memory limit with a rolling replacement (the old one drains)', async () => {
    const port = await freePort();
    const primary = startSupervised({
      workers: 1,
      heartbeat: { intervalMs: 100, thresholdMs: 5_000 },
      memory: { maxRssBytes: 200 * 1024 * 1024, consecutive: 2 },
      env: { PORT: String(port) },
    });
    const ready = await primary.waitForEvent('all-ready');
    const oldPid = (ready.snapshot as { workers: Array<{ pid: number }> }).workers[0]?.pid;
    for (let i = 0; i < 8; i++) await get(port, '/grow');
    const over = await primary.waitForEvent('memory-limit', {}, 10_000);
    expect(over.rss).toBeGreaterThan(200 * 1024 * 1024);
    const replacement = await primary.waitFor(
      (e) => e.event === 'worker-ready' && e.workerPid !== oldPid,
      15_000,
    );
    const exit = await primary.waitForEvent('worker-exit', { workerPid: oldPid });
    expect(exit.intended).toBe(true);
    expect((await get(port)).body).toBe(`0 ${replacement.workerPid}\n`);
  }, 30_000);
});
