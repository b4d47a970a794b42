// restart-on-exit.js: the cluster 'exit' event used to fork a replacement for a worker that died.
import { describe, expect, it } from 'vitest';
import { expectCleanExit, get, startExample } from './support.js';

describe("restart-on-exit.js (cluster event 'exit': restart)", () => {
  it('replaces a killed worker with a new one, then stops when the restart budget is spent', async () => {
    const app = startExample('restart-on-exit.js', { WORKERS: '2', RESTARTS: '1' });
    const listening = await app.waitForCount('worker-listening', 2);
    const port = listening[0]!.port as number;
    const victim = listening.find((event) => event.id === 1)!;

    process.kill(victim.pid as number, 'SIGKILL');
    expect(await app.waitForEvent('exit', { id: 1 })).toMatchObject({
      workerPid: victim.pid,
      code: null,
      signal: 'SIGKILL',
    });
    expect(await app.waitForEvent('restarted')).toMatchObject({ replaced: 1, id: 3, restarts: 1 });
    const replacement = await app.waitForEvent('worker-listening', { id: 3 });
    expect(replacement.pid).not.toBe(victim.pid);
    expect(replacement.port).toBe(port);

    // The replacement takes its share of the requests; the dead worker gets none.
    const answeredBy = new Set<string>();
    for (let n = 0; n < 4; n++) {
      const reply = await get(port);
      expect(reply.body).toBe('alive\n');
      answeredBy.add(String(reply.headers['x-worker-id']));
    }
    expect(answeredBy).toContain('3');
    expect(answeredBy).not.toContain('1');

    // A crash past the budget is not replaced: the primary disconnects the rest and ends.
    const crash = await get(port, '/crash');
    expect(crash.body).toBe('crashing now\n');
    const crashedId = Number(crash.headers['x-worker-id']);
    expect(await app.waitForEvent('exit', { id: crashedId })).toMatchObject({ code: 1, signal: null });
    await app.waitForEvent('giving-up', { restarts: 1 });
    const survivor = crashedId === 2 ? 3 : 2;
    expect(await app.waitForEvent('exit', { id: survivor })).toMatchObject({ code: 0, signal: null });
    await expectCleanExit(app);
    expect(app.named('restarted')).toHaveLength(1);
  });
});
