// cluster-disconnect.js: cluster.disconnect(callback) requested by a worker after its first request.
import { describe, expect, it } from 'vitest';
import { expectCleanExit, get, only, startExample } from './support.js';

describe('cluster-disconnect.js (cluster.disconnect([callback]))', () => {
  it('disconnects every worker after the first request, then runs the callback and ends', async () => {
    const app = startExample('cluster-disconnect.js', { WORKERS: '2' });
    const listening = await app.waitForCount('worker-listening', 2);
    const port = listening[0]!.port as number;
    expect(listening[1]!.port).toBe(port);

    const reply = await get(port);
    expect(reply.status).toBe(200);
    const answeringPid = Number(/^greetings from worker process (\d+)\n$/.exec(reply.body)?.[1]);
    expect(listening.map((event) => event.pid)).toContain(answeringPid);

    const done = await app.waitForEvent('all-disconnected');
    expect(done.remaining).toBe(0);
    expect(only(app, 'stop-requested').by).toBe(Number(reply.headers['x-worker-id']));
    // The callback may run before the last worker's own 'disconnect' event (Node removes disconnecting
    // workers from cluster.workers at once), so only check that every worker did disconnect and exit.
    const exits = await app.waitForCount('exit', 2);
    for (const exit of exits)
      expect(exit).toMatchObject({ code: 0, signal: null, exitedAfterDisconnect: true });
    await expectCleanExit(app);
    for (const id of [1, 2]) only(app, 'disconnect', { id });
    expect(app.output).toContain('every worker has been disconnected');
  });
});
