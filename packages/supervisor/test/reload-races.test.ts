// Races around a reload: an old worker that dies while its replacement is still starting.
import { describe, expect, it } from 'vitest';
import { command, freePort, startSupervised } from './support.js';

type Snapshot = { workers: Array<{ index: number; pid: number; state: string; incoming: boolean }> };

describe('reload races', () => {
  it('a replacement whose old worker died before it was ready still takes the slot, which stays supervised', async () => {
    const port = await freePort();
    const primary = startSupervised({ workers: 2, env: { PORT: String(port) } });
    const ready = await primary.waitForEvent('all-ready');
    const oldPid = (ready.snapshot as Snapshot).workers.find((w) => w.index === 0)?.pid as number;
    await command(primary, { do: 'setEnv', env: { APP_LISTEN_DELAY_MS: '1500' } });
    const reloadId = 9_001;
    primary.send({ do: 'reload', id: reloadId });
    await primary.waitFor((e) => e.event === 'worker-start' && e.index === 0 && e.workerPid !== oldPid);
    // The old worker of index 0 dies while its replacement waits to listen.
    await command(primary, { do: 'kill', index: 0 });
    await primary.waitForEvent('worker-exit', { workerPid: oldPid });
    const reply = await primary.waitFor((e) => e.event === 'reply' && e.id === reloadId, 30_000);
    const report = reply.report as {
      ok: boolean;
      slots: Array<{ index: number; outcome: string; newPid: number }>;
    };
    expect(report.ok).toBe(true);
    expect(report.slots.map((slot) => slot.outcome)).toEqual(['replaced', 'replaced']);
    const { snapshot } = await command(primary, { do: 'snapshot' });
    const zero = (snapshot as Snapshot).workers.filter((w) => w.index === 0);
    expect(zero).toMatchObject([{ state: 'ready', incoming: false, pid: report.slots[0]?.newPid }]);
    // And it is supervised like any serving worker: killed, it is respawned.
    await command(primary, { do: 'setEnv', env: { APP_LISTEN_DELAY_MS: null } });
    await command(primary, { do: 'kill', index: 0 });
    await primary.waitForEvent('restart-scheduled', { index: 0 });
  }, 40_000);
});
