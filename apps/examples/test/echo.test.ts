// echo.js: worker.send() and the worker echoing messages back, with worker.isConnected().
import { describe, expect, it } from 'vitest';
import { expectCleanExit, only, startExample } from './support.js';

describe('echo.js (worker.send(), worker.isConnected())', () => {
  it('gets every message back unchanged, then disconnects the worker', async () => {
    const app = startExample('echo.js');
    const done = await app.waitForEvent('all-echoed');
    expect(done.echoes).toEqual(done.sent);
    expect(done.sent).toEqual([
      'hello, worker',
      { note: 'objects survive the trip', list: [1, 2, 3], nested: { ok: true } },
      42,
    ]);
    expect(done.connected).toBe(true);
    expect(only(app, 'worker-ready').connected).toBe(true);
    expect(app.named('echo').map((event) => event.message)).toEqual(done.sent);

    expect((await app.waitForEvent('disconnect')).connected).toBe(false);
    expect(await app.waitForEvent('exit')).toMatchObject({ code: 0, signal: null });
    await expectCleanExit(app);
  });
});
