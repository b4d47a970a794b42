// A reload whose new worker fails to become ready aborts: the old workers keep serving under load (capacity
// never drops), the report says why, and the next reload, with a working app again, goes through.
import { describe, expect, it } from 'vitest';
import { get, startLoad } from '../../../tools/test-support/index.js';
import { command, freePort, startSupervised } from './support.js';

type Report = {
  ok: boolean;
  slots: Array<{ index: number; outcome: string; reason?: string; oldPid?: number; newPid?: number }>;
};
type Snapshot = { workers: Array<{ index: number; state: string; pid: number; incoming: boolean }> };

describe('a reload whose replacement fails', () => {
  it.each<[string, Record<string, string>, { readyTimeoutMs: number; reason: RegExp; exitCode: number }]>([
    [
      'crashes at start',
      { APP_CRASH: 'start' },
      { readyTimeoutMs: 10_000, reason: /exited \(3\) before it was ready/, exitCode: 3 },
    ],
    [
      'never listens',
      { APP_NEVER_LISTENS: '1' },
      { readyTimeoutMs: 2_000, reason: /not ready within 2000 ms/, exitCode: 0 },
    ],
    // Blocked past the timeout, it sees the stop only afterwards: it must still leave cleanly (exit 0).
    [
      'blocks its event loop past the ready timeout',
      { APP_BOOT_BLOCK_MS: '2000' },
      { readyTimeoutMs: 1_000, reason: /not ready within 1000 ms/, exitCode: 0 },
    ],
  ])(
    'aborts when the new worker %s; the old workers keep serving, zero failed requests',
    async (_, broken, { readyTimeoutMs, reason, exitCode }) => {
      const port = await freePort();
      const primary = startSupervised({ workers: 2, readyTimeoutMs, env: { PORT: String(port) } });
      const { snapshot } = await primary.waitForEvent('all-ready');
      const oldPids = (snapshot as Snapshot).workers.map((w) => w.pid);
      const load = startLoad({ port, keepAliveClients: 2, newConnectionClients: 2, maxMs: 30_000 });
      await load.reached(100);

      // New workers forked from now on are broken (the deploy went wrong).
      await command(primary, { do: 'setEnv', env: broken });
      const report = (await command(primary, { do: 'reload' }, 15_000)).report as Report;
      expect(report.ok).toBe(false);
      // The first replacement failed, so the second slot was never touched.
      expect(report.slots).toMatchObject([
        { index: 0, outcome: 'failed', reason: expect.stringMatching(reason), oldPid: oldPids[0] },
        { index: 1, outcome: 'kept', oldPid: oldPids[1] },
      ]);
      const failedPid = report.slots[0]?.newPid;
      expect(failedPid).toEqual(expect.any(Number));
      expect(oldPids).not.toContain(failedPid);
      // The failed replacement is gone; no old worker exited.
      const failedExit = await primary.waitForEvent('worker-exit', { workerPid: failedPid });
      // A crash is its own doing; a timed-out one was stopped.
      expect(failedExit).toMatchObject({ code: exitCode, signal: null, intended: exitCode === 0 });
      expect(primary.output.filter((line) => line.startsWith('stderr:'))).toEqual([]);
      expect(primary.named('worker-exit').map((e) => e.workerPid)).toEqual([failedPid]);
      if (exitCode === 0) await primary.waitForEvent('start-timeout', { workerPid: failedPid });

      // Traffic after the abort is still served by the old workers, both of them.
      await load.reached(load.ok + 100);
      const after = (await command(primary, { do: 'snapshot' })).snapshot as Snapshot;
      expect(after.workers.map((w) => [w.index, w.state, w.pid, w.incoming])).toEqual([
        [0, 'ready', oldPids[0], false],
        [1, 'ready', oldPids[1], false],
      ]);
      const result = await load.stop();
      expect(result.errors).toEqual([]);
      expect(result.failed).toBe(0);
      expect(new Set(Object.keys(result.byFirstWord))).toEqual(new Set(['0', '1']));
      const served = new Set<string>();
      for (let i = 0; i < 10; i++) served.add((await get(port)).body.trim().split(' ')[1] as string);
      expect(served).toEqual(new Set(oldPids.map(String)));
      expect(primary.named('restart-scheduled')).toHaveLength(0);

      // The app is fixed: the next reload replaces both workers.
      await command(primary, {
        do: 'setEnv',
        env: Object.fromEntries(Object.keys(broken).map((k) => [k, null])),
      });
      const next = (await command(primary, { do: 'reload' }, 15_000)).report as Report;
      expect(next.ok).toBe(true);
      expect(next.slots.map((slot) => [slot.outcome, slot.oldPid])).toEqual([
        ['replaced', oldPids[0]],
        ['replaced', oldPids[1]],
      ]);
    },
    45_000,
  );

  it('a replacement failing in the second slot leaves the first replaced and the second old worker serving', async () => {
    const port = await freePort();
    const primary = startSupervised({ workers: 2, env: { PORT: String(port) } });
    const { snapshot } = await primary.waitForEvent('all-ready');
    const oldPids = (snapshot as Snapshot).workers.map((w) => w.pid);
    const load = startLoad({ port, keepAliveClients: 2, newConnectionClients: 2, maxMs: 30_000 });
    await load.reached(100);
    await command(primary, { do: 'setEnv', env: { APP_CRASH: 'start', APP_CRASH_INDEX: '1' } });
    const report = (await command(primary, { do: 'reload' }, 15_000)).report as Report;
    expect(report.ok).toBe(false);
    expect(report.slots).toMatchObject([
      { index: 0, outcome: 'replaced', oldPid: oldPids[0] },
      { index: 1, outcome: 'failed', oldPid: oldPids[1] },
    ]);
    await load.reached(load.ok + 100);
    const after = (await command(primary, { do: 'snapshot' })).snapshot as Snapshot;
    expect(after.workers.map((w) => [w.index, w.state, w.pid])).toEqual([
      [0, 'ready', report.slots[0]?.newPid],
      [1, 'ready', oldPids[1]],
    ]);
    const result = await load.stop();
    expect(result.errors).toEqual([]);
    expect(result.failed).toBe(0);
    expect(primary.named('restart-scheduled')).toHaveLength(0);
  }, 30_000);
});
