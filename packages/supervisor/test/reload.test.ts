// Rolling reloads and kills under continuous load, for round robin and reuseport: no request fails.
import { describe, expect, it } from 'vitest';
import { startLoad } from '../../../tools/test-support/index.js';
import { command, freePort, startSupervised } from './support.js';

const strategies = process.platform === 'linux' ? ['round-robin', 'reuseport'] : ['round-robin'];

describe.each(strategies)('%s', (strategy) => {
  it('10 rolling reloads of 2 workers under keep-alive and new-connection load: zero failed requests', async () => {
    const port = await freePort();
    const primary = startSupervised({
      workers: 2,
      settings: { strategy },
      env: { PORT: String(port) },
    });
    await primary.waitForEvent('all-ready');
    const load = startLoad({ port, keepAliveClients: 4, newConnectionClients: 2, maxMs: 90_000 });
    await load.reached(200);
    const pids = new Set<number>();
    for (let round = 0; round < 10; round++) {
      const { report } = await command(primary, { do: 'reload' }, 60_000);
      const reload = report as {
        ok: boolean;
        slots: Array<{ outcome: string; oldPid: number; newPid: number }>;
      };
      expect(reload.ok).toBe(true);
      expect(reload.slots.map((slot) => slot.outcome)).toEqual(['replaced', 'replaced']);
      for (const slot of reload.slots) {
        expect(pids.has(slot.newPid)).toBe(false);
        pids.add(slot.newPid);
      }
      // Traffic between reloads reaches the new workers.
      await load.reached(load.ok + 100);
    }
    const result = await load.stop();
    expect(result.errors).toEqual([]);
    expect(result.failed).toBe(0);
    expect(result.ok).toBeGreaterThan(1_000);
    expect(primary.named('restart-scheduled')).toHaveLength(0);
  }, 120_000);

  it('a worker killed under load is replaced; only its requests in flight may fail', async () => {
    const port = await freePort();
    const primary = startSupervised({ workers: 2, settings: { strategy }, env: { PORT: String(port) } });
    await primary.waitForEvent('all-ready');
    const load = startLoad({ port, keepAliveClients: 4, newConnectionClients: 2, maxMs: 60_000 });
    await load.reached(200);
    const { killed } = await command(primary, { do: 'kill', index: 0 });
    await primary.waitFor((e) => e.event === 'worker-ready' && e.index === 0 && e.workerPid !== killed);
    await load.reached(load.ok + 300);
    const result = await load.stop();
    // At most one request per client can have been on the killed worker's connections.
    expect(result.failed).toBeLessThanOrEqual(6);
    expect(result.ok).toBeGreaterThan(500);
  }, 90_000);
});
