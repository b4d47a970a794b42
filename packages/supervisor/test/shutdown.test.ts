// Graceful shutdown of a supervised primary: readiness turns false first, serving goes on for the delay, then
// the workers drain; a second SIGTERM forces; Ctrl-C (SIGINT to the whole process group) stays orderly.
import { describe, expect, it } from 'vitest';
import { get } from '../../../tools/test-support/index.js';
import { command, died, freePort, startSupervised } from './support.js';

type Snapshot = { ready: boolean; shuttingDown: boolean; workers: Array<{ pid: number; state: string }> };

describe('graceful shutdown', () => {
  it('with shutdownDelayMs: not ready at once, still serving during the delay, then drained; exit 0', async () => {
    const port = await freePort();
    const delayMs = 1_500;
    const primary = startSupervised({ workers: 2, shutdownDelayMs: delayMs, env: { PORT: String(port) } });
    const { snapshot } = await primary.waitForEvent('all-ready');
    const pids = (snapshot as Snapshot).workers.map((w) => w.pid);
    primary.child.kill('SIGTERM');
    await primary.waitForEvent('shutdown-start');
    const during = (await command(primary, { do: 'snapshot' })).snapshot as Snapshot;
    expect(during.ready).toBe(false);
    expect(during.shuttingDown).toBe(true);
    // Both workers still answer, new connections included, while the load balancer catches up.
    const served = new Set<string>();
    for (let i = 0; i < 6; i++) served.add((await get(port)).body.trim().split(' ')[1] as string);
    expect(served).toEqual(new Set(pids.map(String)));
    expect(primary.named('worker-exit')).toHaveLength(0);
    expect(primary.named('shutdown-end')).toHaveLength(0);
    const end = await primary.waitForEvent('shutdown-end', {}, 10_000);
    expect(end.report).toMatchObject({ graceful: 2, forced: 0 });
    expect((end.report as { durationMs: number }).durationMs).toBeGreaterThanOrEqual(delayMs);
    expect(primary.named('worker-exit').map((e) => [e.workerPid, e.intended])).toEqual(
      expect.arrayContaining(pids.map((pid) => [pid, true])),
    );
    expect(primary.named('restart-scheduled')).toHaveLength(0);
    expect(await primary.waitForExit()).toEqual({ code: 0, signal: null });
  });

  it('a second SIGTERM during shutdown forces it: exit code 1, the workers killed', async () => {
    const port = await freePort();
    const primary = startSupervised({
      workers: 2,
      // Long enough that only the second signal can end it within the test.
      shutdownDelayMs: 20_000,
      heartbeat: false,
      env: { PORT: String(port) },
    });
    const { snapshot } = await primary.waitForEvent('all-ready');
    const pids = (snapshot as Snapshot).workers.map((w) => w.pid);
    // One worker stuck in a loop: it cannot leave on its own when the primary goes, it must be killed.
    expect((await get(port, '/hang')).body).toBe('hanging\n');
    primary.child.kill('SIGTERM');
    await primary.waitForEvent('shutdown-start');
    primary.child.kill('SIGTERM');
    expect(await primary.waitForExit(5_000)).toEqual({ code: 1, signal: null });
    expect(primary.named('shutdown-end')).toHaveLength(0);
    // Killed by the primary, not left to the orphan watchdog (which waits 500 ms after the primary is gone).
    const times = await Promise.all(pids.map((pid) => died(pid, 2_000)));
    expect(Math.max(...times)).toBeLessThan(400);
  });

  it('Ctrl-C (SIGINT to the whole process group) while a slow request is in flight: it completes, exit 0', async () => {
    const port = await freePort();
    const primary = startSupervised({ workers: 2, env: { PORT: String(port), SLOW_MS: '800' } });
    const { snapshot } = await primary.waitForEvent('all-ready');
    const pids = (snapshot as Snapshot).workers.map((w) => w.pid);
    const slow = get(port, '/slow');
    const started = await primary.waitForEvent('app-slow');
    // What a terminal does on Ctrl-C: the signal goes to every process in the foreground group.
    process.kill(-(primary.child.pid as number), 'SIGINT');
    const reply = await slow;
    expect(reply.status).toBe(200);
    expect(reply.body).toBe(`slow ${started.index} ${started.workerPid}\n`);
    const end = await primary.waitForEvent('shutdown-end', {}, 10_000);
    expect(end.report).toMatchObject({ graceful: 2, forced: 0 });
    // The workers were not interrupted by the group's SIGINT: each exited when drained, on its own.
    const exits = primary.named('worker-exit');
    expect(exits.map((e) => [e.workerPid, e.signal, e.intended]).sort()).toEqual(
      pids.map((pid) => [pid, null, true]).sort(),
    );
    expect(await primary.waitForExit()).toEqual({ code: 0, signal: null });
  });
});
