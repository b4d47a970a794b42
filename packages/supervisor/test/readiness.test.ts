// Readiness opt-in (`readiness: 'ready'`): a worker is ready when the app says so — `ready()` from
// @shoal/worker or PM2's `process.send('ready')` — not when it listens; an app that never says so times out.
import { describe, expect, it } from 'vitest';
import { command, freePort, startSupervised } from './support.js';

type Snapshot = { ready: boolean; workers: Array<{ index: number; state: string; pid: number }> };

describe("readiness: 'ready'", () => {
  it.each([
    ['ready() from @shoal/worker', 'ready'],
    ["PM2's process.send('ready')", 'pm2'],
  ])('a listening worker is not ready until the app calls %s', async (_, how) => {
    const port = await freePort();
    const primary = startSupervised({
      workers: 1,
      readiness: 'ready',
      env: { PORT: String(port), APP_RPC: '1', APP_READY: how, APP_READY_ON: 'warm' },
    });
    const listening = await primary.waitForEvent('app-listening');
    const before = (await command(primary, { do: 'snapshot' })).snapshot as Snapshot;
    expect(before.ready).toBe(false);
    expect(before.workers).toMatchObject([{ index: 0, state: 'starting', pid: listening.workerPid }]);
    expect(primary.named('worker-ready')).toHaveLength(0);
    // The app finishes its warm-up and says so.
    expect((await command(primary, { do: 'request', index: 0, method: 'app.warm' })).value).toBe('warm');
    const ready = await primary.waitForEvent('worker-ready', { index: 0 });
    expect(ready.workerPid).toBe(listening.workerPid);
    await primary.waitForEvent('all-ready');
    const after = (await command(primary, { do: 'snapshot' })).snapshot as Snapshot;
    expect(after.ready).toBe(true);
    expect(after.workers).toMatchObject([{ index: 0, state: 'ready' }]);
  });

  it('an app that never says it is ready times out: start-timeout, stopped, respawned with backoff', async () => {
    const port = await freePort();
    const primary = startSupervised({
      workers: 1,
      readiness: 'ready',
      // Long enough for the app to start and listen even on a busy machine.
      readyTimeoutMs: 1_500,
      restart: { initialDelayMs: 40, factor: 2, jitter: 0, maxQuickExits: 10 },
      // It listens (which `readiness: 'listening'` would count) but never calls ready().
      env: { PORT: String(port) },
    });
    const listening = await primary.waitForEvent('app-listening');
    const first = await primary.waitForEvent('start-timeout', { index: 0 });
    expect(first.workerPid).toBe(listening.workerPid);
    const exit = await primary.waitForEvent('worker-exit', { workerPid: first.workerPid });
    expect(exit).toMatchObject({ code: 0, intended: false });
    const second = await primary.waitFor(
      (e) => e.event === 'start-timeout' && e.workerPid !== first.workerPid,
      5_000,
      'a second start-timeout',
    );
    await primary.waitForEvent('worker-exit', { workerPid: second.workerPid });
    const delays = await primary.waitForCount('restart-scheduled', 2, 5_000);
    // Backoff: 40 ms, then 80 ms (no jitter).
    expect(delays.slice(0, 2).map((e) => [e.index, e.delayMs])).toEqual([
      [0, 40],
      [0, 80],
    ]);
    expect(primary.named('worker-ready')).toHaveLength(0);
    expect(primary.named('all-ready')).toHaveLength(0);
  });
});
