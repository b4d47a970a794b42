// Reloads are serialized: of three asked for at once, the first runs, the other two share one queued run (one
// report), and no two runs ever overlap.
import { describe, expect, it } from 'vitest';
import { command, freePort, startSupervised } from './support.js';

type Report = {
  ok: boolean;
  slots: Array<{ index: number; outcome: string; oldPid: number; newPid: number }>;
};

describe('reload()', () => {
  it('three at once: the first runs, the second and third share one queued run, never two at once', async () => {
    const port = await freePort();
    const primary = startSupervised({ workers: 2, env: { PORT: String(port) } });
    const { snapshot } = await primary.waitForEvent('all-ready');
    const startPids = (snapshot as { workers: Array<{ pid: number }> }).workers.map((w) => w.pid);

    const reply = await command(primary, { do: 'reloads', n: 3 }, 30_000);
    const reports = reply.reports as Report[];
    // The second and third calls got the same promise; the first its own.
    expect(reply.runs).toEqual([0, 1, 1]);
    expect(reports.map((r) => r.ok)).toEqual([true, true, true]);
    const [first, second] = reports as [Report, Report];
    expect(first.slots.map((s) => s.oldPid)).toEqual(startPids);
    // The queued run started after the first had finished: it replaced the first run's new workers.
    expect(second.slots.map((s) => s.oldPid)).toEqual(first.slots.map((s) => s.newPid));
    expect(second.slots.map((s) => s.outcome)).toEqual(['replaced', 'replaced']);

    // Two runs, strictly one after the other.
    const runs = primary.events
      .filter((e) => e.event === 'reload-start' || e.event === 'reload-end')
      .map((e) => e.event);
    expect(runs).toEqual(['reload-start', 'reload-end', 'reload-start', 'reload-end']);
    // Every old worker exited before the run that replaced it ended, and nothing else did.
    const ends = primary.events.flatMap((e, at) => (e.event === 'reload-end' ? [at] : []));
    const exitAt = (pid: number) =>
      primary.events.findIndex((e) => e.event === 'worker-exit' && e.workerPid === pid);
    for (const pid of startPids) expect(exitAt(pid)).toBeLessThan(ends[0] as number);
    for (const slot of first.slots) {
      expect(exitAt(slot.newPid)).toBeGreaterThan(ends[0] as number);
      expect(exitAt(slot.newPid)).toBeLessThan(ends[1] as number);
    }
    expect(primary.named('worker-exit')).toHaveLength(4);
    expect(primary.named('restart-scheduled')).toHaveLength(0);

    const after = (await command(primary, { do: 'snapshot' })).snapshot as {
      reloading: boolean;
      workers: Array<{ pid: number; state: string }>;
    };
    expect(after.reloading).toBe(false);
    expect(after.workers.map((w) => [w.pid, w.state])).toEqual(second.slots.map((s) => [s.newPid, 'ready']));
  });
});
