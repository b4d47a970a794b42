// http-server.js: the opening example / "How it works" — workers share one port and answer HTTP requests.
import { describe, expect, it } from 'vitest';
import { expectCleanExit, get, startExample } from './support.js';

describe('http-server.js (opening example, how it works)', () => {
  it('shares one port between two workers that both answer, and stops after REQUESTS answers', async () => {
    const app = startExample('http-server.js', { WORKERS: '2', REQUESTS: '6' });

    await app.waitForEvent('primary-started', { workers: 2 });
    const listening = await app.waitForCount('worker-listening', 2);
    const port = listening[0]!.port as number;
    expect(port).toBeGreaterThan(0);
    // listen(0) in a cluster: the first worker's random port is the port of every worker.
    expect(listening[1]!.port).toBe(port);
    const workerPids = new Set(listening.map((event) => event.pid as number));
    expect(workerPids.size).toBe(2);
    expect(workerPids.has(app.child.pid!)).toBe(false);

    const answeredBy = new Set<number>();
    for (let n = 0; n < 6; n++) {
      const reply = await get(port);
      expect(reply.status).toBe(200);
      expect(reply.body).toBe('hello from the cluster\n');
      const pid = Number(reply.headers['x-worker-pid']);
      expect(workerPids).toContain(pid);
      answeredBy.add(pid);
    }
    // Round robin, the default policy: six fresh connections reach both workers.
    expect(answeredBy).toEqual(workerPids);

    await app.waitForEvent('budget-reached', { answered: 6 });
    const exits = await app.waitForCount('worker-exit', 2);
    expect(new Set(exits.map((event) => event.workerPid))).toEqual(workerPids);
    for (const exit of exits)
      expect(exit).toMatchObject({ code: 0, signal: null, exitedAfterDisconnect: true });
    await app.waitForEvent('cluster-disconnected');
    await expectCleanExit(app);
    expect(app.output).toContain(`primary ${app.child.pid}: starting 2 workers`);
    for (const pid of workerPids) expect(app.output).toContain(`worker ${pid} is up`);
  });

  it('refuses a malformed WORKERS value', async () => {
    const app = startExample('http-server.js', { WORKERS: 'plenty' });
    expect(await app.waitForExit()).toEqual({ code: 2, signal: null });
  });
});
