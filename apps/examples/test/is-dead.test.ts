// is-dead.js: worker.isDead() when a worker is forked and after it has ended its own process.
import { describe, expect, it } from 'vitest';
import { expectCleanExit, get, startExample } from './support.js';

describe('is-dead.js (worker.isDead())', () => {
  it('is false at fork and true at exit; each worker answers once and ends itself', async () => {
    const app = startExample('is-dead.js', { WORKERS: '2' });
    const listening = await app.waitForCount('worker-listening', 2);
    const port = listening[0]!.port as number;
    const workerPids = new Set(listening.map((event) => event.pid as number));
    for (const fork of app.named('fork')) expect(fork.dead).toBe(false);
    expect(app.named('fork')).toHaveLength(2);

    const seen = new Set<number>();
    for (let n = 0; n < 2; n++) {
      const reply = await get(port);
      expect(reply.status).toBe(200);
      const match = /^answered by process (\d+), which now ends itself\n$/.exec(reply.body);
      const pid = Number(match?.[1]);
      expect(workerPids).toContain(pid);
      expect(seen).not.toContain(pid);
      seen.add(pid);
      // Wait until the primary has seen this worker die before the next request.
      const exit = await app.waitForEvent('exit', { workerPid: pid });
      expect(exit).toMatchObject({ dead: true, code: null, signal: 'SIGTERM' });
    }
    // No workers left and none restarted: the primary ends by itself.
    await expectCleanExit(app);
  });
});
