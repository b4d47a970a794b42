// Reload serialization: one run at a time, a request while one runs waits for the next run, and requests
// while one is queued join it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReloadQueue } from '../src/decisions/index.js';

describe('ReloadQueue', () => {
  it('runs at once when idle, queues one run while busy, and coalesces further requests into it', () => {
    const queue = new ReloadQueue();
    expect(queue.request()).toEqual({ run: 1, startNow: true });
    expect(queue.request()).toEqual({ run: 2, startNow: false });
    expect(queue.request()).toEqual({ run: 2, startNow: false });
    expect(queue).toMatchObject({ running: 1, queued: 2 });
    expect(queue.finish(1)).toBe(2);
    expect(queue).toMatchObject({ running: 2, queued: undefined });
    expect(queue.request()).toEqual({ run: 3, startNow: false });
    expect(queue.finish(2)).toBe(3);
    expect(queue.finish(3)).toBeUndefined();
    expect(queue.running).toBeUndefined();
    expect(queue.request()).toEqual({ run: 4, startNow: true });
  });

  it('refuses to finish a run that is not running', () => {
    const queue = new ReloadQueue();
    expect(() => queue.finish(1)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    queue.request();
    queue.request();
    expect(() => queue.finish(2)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
  });

  it('model: never two runs at once; a request is answered by a run that starts at or after it; every run starts', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('request', 'finish'), { maxLength: 100 }), (operations) => {
        const queue = new ReloadQueue();
        const startedAt = new Map<number, number>();
        const requests: { at: number; run: number }[] = [];
        let running: number | undefined;
        const begin = (run: number, at: number) => {
          expect(running, 'two runs at once').toBeUndefined();
          expect(startedAt.has(run)).toBe(false);
          running = run;
          startedAt.set(run, at);
        };
        const finish = () => {
          if (running === undefined) return;
          const done = running;
          running = undefined;
          const next = queue.finish(done);
          if (next !== undefined) begin(next, step);
        };
        let step = 0;
        for (const operation of operations) {
          step++;
          if (operation === 'request') {
            const ticket = queue.request();
            requests.push({ at: step, run: ticket.run });
            if (ticket.startNow) begin(ticket.run, step);
            else expect(ticket.run).not.toBe(running);
          } else {
            finish();
          }
          expect(queue.running).toBe(running);
        }
        while (running !== undefined) {
          step++;
          finish();
        }
        for (const request of requests) {
          const at = startedAt.get(request.run);
          expect(at, `run ${request.run} started`).toBeDefined();
          expect(at!).toBeGreaterThanOrEqual(request.at);
        }
        // Runs start in order of their ids.
        const order = [...startedAt.entries()].sort((a, b) => a[1] - b[1]).map(([run]) => run);
        expect(order).toEqual([...order].sort((a, b) => a - b));
      }),
    );
  });
});
