// scale(n) at run time: growing fills the next indices (NODE_APP_INSTANCE too); shrinking drains the highest
// indices — their requests in flight finish — and does not respawn them.
import { describe, expect, it } from 'vitest';
import { get, type Reply } from '../../../tools/test-support/index.js';
import { command, freePort, startSupervised } from './support.js';

type Snapshot = { size: number; workers: Array<{ index: number; state: string; pid: number }> };

describe('scale()', () => {
  it('grows 2 → 4 with indices 2 and 3, then shrinks 4 → 1 draining 3, 2, 1 with their slow requests finishing', async () => {
    const port = await freePort();
    const primary = startSupervised({ workers: 2, env: { PORT: String(port), SLOW_MS: '700' } });
    await primary.waitForEvent('all-ready');

    await command(primary, { do: 'scale', n: 4 });
    const grown = (await command(primary, { do: 'snapshot' })).snapshot as Snapshot;
    expect(grown.size).toBe(4);
    expect(grown.workers.map((w) => [w.index, w.state])).toEqual([
      [0, 'ready'],
      [1, 'ready'],
      [2, 'ready'],
      [3, 'ready'],
    ]);
    // Each worker's own NODE_APP_INSTANCE is its index (the app answers "<NODE_APP_INSTANCE> <pid>").
    const pidOf = new Map(grown.workers.map((w) => [w.pid, w.index]));
    const answered = new Map<number, number>();
    for (let i = 0; i < 40 && answered.size < 4; i++) {
      const [instance, pid] = (await get(port)).body.trim().split(' ').map(Number) as [number, number];
      answered.set(pid, instance);
    }
    expect(answered).toEqual(pidOf);

    // A slow request on each worker (round robin spreads them), all started before the shrink.
    const slow: Array<Promise<Reply>> = [];
    for (let i = 0; i < 4; i++) slow.push(get(port, '/slow'));
    const started = await primary.waitForCount('app-slow', 4, 10_000);
    const drainedWithRequest = started.filter((e) => (e.index as number) >= 1);
    expect(drainedWithRequest.length).toBeGreaterThan(0);

    await command(primary, { do: 'scale', n: 1 });
    const replies = await Promise.all(slow);
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    // Every slow request was answered by the worker it started on, drained ones included.
    expect(new Set(replies.map((r) => r.body.trim()))).toEqual(
      new Set(started.map((e) => `slow ${e.index} ${e.workerPid}`)),
    );
    const exits = primary.named('worker-exit');
    expect(exits.map((e) => e.index).sort()).toEqual([1, 2, 3]);
    expect(exits.every((e) => e.intended === true)).toBe(true);
    const shrunk = (await command(primary, { do: 'snapshot' })).snapshot as Snapshot;
    expect(shrunk.size).toBe(1);
    expect(shrunk.workers.map((w) => [w.index, w.state, w.pid])).toEqual([
      [0, 'ready', grown.workers[0]?.pid],
    ]);
    expect(primary.named('restart-scheduled')).toHaveLength(0);
    for (let i = 0; i < 5; i++) expect((await get(port)).body).toBe(`0 ${grown.workers[0]?.pid}\n`);
  });
});
