// broadcast.js: walking cluster.workers to message every worker, and when workers leave the table.
import { describe, expect, it } from 'vitest';
import { expectCleanExit, only, position, startExample } from './support.js';

describe('broadcast.js (cluster.workers)', () => {
  it('reaches every live worker through cluster.workers and removes each before its last event', async () => {
    const app = startExample('broadcast.js', { WORKERS: '3' });
    await app.waitForCount('exit', 3);
    await expectCleanExit(app);

    expect(only(app, 'workers-table').ids).toEqual([1, 2, 3]);
    const broadcast = only(app, 'broadcast');
    expect(broadcast.ids).toEqual([1, 2, 3]);
    const heard = app.named('heard');
    expect(heard.map((event) => event.id as number).sort()).toEqual([1, 2, 3]);
    expect(new Set(heard.map((event) => event.pid)).size).toBe(3);
    for (const event of heard) expect(event.message).toBe(broadcast.announcement);

    for (const id of [1, 2, 3]) {
      const disconnect = only(app, 'disconnect', { id });
      const exit = only(app, 'exit', { id });
      const last = position(app, disconnect) > position(app, exit) ? disconnect : exit;
      expect(last.listed).toBe(false);
    }
  });
});
