// count-requests.js: the Worker 'message' event — the primary counts the requests its workers answer.
import { describe, expect, it } from 'vitest';
import { expectCleanExit, get, position, startExample } from './support.js';

describe("count-requests.js (Worker event: 'message')", () => {
  it('counts every answered request in the primary, per worker, and stops at REQUESTS', async () => {
    const app = startExample('count-requests.js', { WORKERS: '2', REQUESTS: '5', TICK_MS: '50' });
    const listening = await app.waitForCount('worker-listening', 2);
    const port = listening[0]!.port as number;
    expect(listening[1]!.port).toBe(port);
    // The periodic print is running (it stops only when the budget is reached).
    await app.waitForEvent('tick');

    const answeredBy: number[] = [];
    for (let n = 0; n < 5; n++) {
      const reply = await get(port);
      expect(reply.status).toBe(200);
      expect(reply.body).toBe('noted\n');
      answeredBy.push(Number(reply.headers['x-worker-id']));
    }

    const final = await app.waitForEvent('final-count');
    expect(final.total).toBe(5);
    const counted = app.named('counted');
    expect(counted.map((event) => event.total)).toEqual([1, 2, 3, 4, 5]);
    // Each count came in on the Worker object of the worker that answered.
    expect(counted.map((event) => event.from as number).sort()).toEqual([...answeredBy].sort());
    expect(new Set(answeredBy)).toEqual(new Set([1, 2]));

    await expectCleanExit(app);
    // The periodic print stopped with the final count.
    const ticks = app.named('tick');
    expect(ticks.every((tick) => position(app, tick) < position(app, final))).toBe(true);
  });
});
