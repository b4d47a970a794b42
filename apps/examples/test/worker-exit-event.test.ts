// worker-exit-event.js: the Worker 'exit' event's (code, signal).
import { describe, expect, it } from 'vitest';
import { expectCleanExit, only, startExample } from './support.js';

describe('worker-exit-event.js (Worker event: exit)', () => {
  it('reports a clean exit, an error exit code and a signal', async () => {
    const app = startExample('worker-exit-event.js');
    await app.waitForCount('worker-exit', 3);
    expect(only(app, 'worker-exit', { plan: 'clean' })).toMatchObject({
      code: 0,
      signal: null,
      verdict: 'success',
    });
    expect(only(app, 'worker-exit', { plan: 'fail' })).toMatchObject({
      code: 3,
      signal: null,
      verdict: 'error',
    });
    expect(only(app, 'worker-exit', { plan: 'signal' })).toMatchObject({
      code: null,
      signal: 'SIGHUP',
      verdict: 'signal',
    });
    await expectCleanExit(app);
  });
});
