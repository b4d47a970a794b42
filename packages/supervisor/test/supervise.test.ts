// supervise() with real worker processes: stable indices, respawn with backoff, crash loops, RPC, shutdown.
import { describe, expect, it } from 'vitest';
import { get } from '../../../tools/test-support/index.js';
import { command, freePort, startSupervised } from './support.js';

describe('supervise()', () => {
  it('starts N workers with stable indices 0..N-1 (NODE_APP_INSTANCE) and serves from each', async () => {
    const port = await freePort();
    const primary = startSupervised({ workers: 2, env: { PORT: String(port) } });
    const { snapshot } = await primary.waitForEvent('all-ready');
    const workers = (snapshot as { workers: Array<{ index: number; state: string }> }).workers;
    expect(workers.map((w) => [w.index, w.state])).toEqual([
      [0, 'ready'],
      [1, 'ready'],
    ]);
    const seen = new Set<string>();
    for (let i = 0; i < 20 && seen.size < 2; i++) seen.add((await get(port)).body.split(' ')[0] as string);
    expect(seen).toEqual(new Set(['0', '1']));
  });

  it('replaces a worker that was killed, with the same index, after a backoff delay', async () => {
    const port = await freePort();
    const primary = startSupervised({ workers: 2, env: { PORT: String(port) } });
    await primary.waitForEvent('all-ready');
    const { killed } = await command(primary, { do: 'kill', index: 1 });
    const exit = await primary.waitForEvent('worker-exit', { workerPid: killed });
    expect(exit).toMatchObject({ index: 1, signal: 'SIGKILL', intended: false });
    const scheduled = await primary.waitForEvent('restart-scheduled', { index: 1 });
    expect(scheduled.delayMs).toBeGreaterThanOrEqual(80);
    expect(scheduled.delayMs).toBeLessThanOrEqual(120);
    const ready = await primary.waitFor(
      (event) => event.event === 'worker-ready' && event.index === 1 && event.workerPid !== killed,
    );
    expect(ready.workerPid).not.toBe(killed);
    const { snapshot } = await command(primary, { do: 'snapshot' });
    expect((snapshot as { workers: Array<{ index: number; restarts: number }> }).workers).toMatchObject([
      { index: 0, restarts: 0 },
      { index: 1, restarts: 1 },
    ]);
  });

  it('backs off a crashing app and stops respawning it after a crash loop, exiting with the configured code', async () => {
    const primary = startSupervised(
      {
        workers: 1,
        restart: { initialDelayMs: 20, factor: 2, jitter: 0, maxQuickExits: 4, minUptimeMs: 5_000 },
        crashLoopExitCode: 7,
        env: { APP_CRASH: 'start' },
      },
      {},
    );
    const loop = await primary.waitForEvent('crash-loop', { index: 0 });
    expect(loop.quickExits).toBe(4);
    // Three restarts before the fourth quick exit: 20, 40, 80 ms.
    expect(primary.named('restart-scheduled').map((event) => event.delayMs)).toEqual([20, 40, 80]);
    expect(primary.named('worker-exit')).toHaveLength(4);
    expect(await primary.waitForExit()).toEqual({ code: 7, signal: null });
  });

  it('calls workers and answers them (typed RPC), with per-worker broadcast results and remote errors', async () => {
    const port = await freePort();
    const primary = startSupervised({ workers: 2, env: { PORT: String(port) } });
    await primary.waitForEvent('all-ready');
    expect((await command(primary, { do: 'request', index: 0, method: 'shoal.ping' })).value).toMatchObject({
      pid: expect.any(Number),
    });
    const { results } = await command(primary, { do: 'broadcast', method: 'shoal.ping' });
    expect((results as Array<{ index: number; ok: boolean }>).map((r) => [r.index, r.ok])).toEqual([
      [0, true],
      [1, true],
    ]);
    const missing = await command(primary, { do: 'request', index: 1, method: 'app.none' });
    expect(missing.error).toMatchObject({ code: 'SHOAL_ERR_RPC_REMOTE' });
    const timedOut = await command(primary, { do: 'request', index: 9, method: 'shoal.ping' });
    expect(timedOut.error).toMatchObject({ message: expect.stringMatching(/no live worker/) });
  });

  it('shuts down gracefully: drains every worker, nothing respawns, exits with code 0 on SIGTERM', async () => {
    const port = await freePort();
    const primary = startSupervised({ workers: 2, env: { PORT: String(port) } });
    await primary.waitForEvent('all-ready');
    primary.child.kill('SIGTERM');
    const end = await primary.waitForEvent('shutdown-end');
    expect(end.report).toMatchObject({ graceful: 2, forced: 0 });
    expect(primary.named('restart-scheduled')).toHaveLength(0);
    expect(await primary.waitForExit()).toEqual({ code: 0, signal: null });
  });
});
