// fork-timeout.js: a timer per worker started on 'fork' and cancelled on 'listening'.
import { describe, expect, it } from 'vitest';
import { expectCleanExit, only, startExample } from './support.js';

describe("fork-timeout.js (cluster event 'fork': timeout)", () => {
  it('cancels every timer when the workers listen, so no complaint is ever printed', async () => {
    const app = startExample('fork-timeout.js', { WORKERS: '2' });
    await app.waitForCount('exit', 2);
    // The default allowance is 2 s: a timer still running would keep the primary alive until it fired.
    await expectCleanExit(app);
    for (const id of [1, 2]) {
      only(app, 'timer-started', { id });
      only(app, 'timer-cleared', { id });
      expect(only(app, 'exit', { id })).toMatchObject({ code: 0, exitedAfterDisconnect: true });
    }
    expect(app.named('complaint')).toEqual([]);
    only(app, 'cluster-disconnected');
  });

  it('complains about a worker that never listens, kills it, and complains about the exit', async () => {
    // One worker only: a short allowance must not catch a healthy worker that is merely slow to start.
    const app = startExample('fork-timeout.js', { WORKERS: '1', STALL_WORKER: '1', FORK_TIMEOUT_MS: '300' });
    await app.waitForEvent('exit', { id: 1 });
    await expectCleanExit(app);
    only(app, 'timer-started', { id: 1 });
    expect(app.named('timer-cleared')).toEqual([]);
    const complaints = app.named('complaint');
    expect(complaints.map((event) => event.id)).toEqual([1, 1]);
    expect(complaints[0]!.reason).toBe('not listening after 300 ms');
    expect(complaints[1]!.reason).toMatch(/^exited unexpectedly/);
    expect(only(app, 'exit', { id: 1 }).exitedAfterDisconnect).toBe(false);
  });
});
