// exited-after-disconnect.js: worker.exitedAfterDisconnect after disconnect(), kill() and destroy().
import { describe, expect, it } from 'vitest';
import { expectCleanExit, only, startExample } from './support.js';

describe('exited-after-disconnect.js (worker.exitedAfterDisconnect, worker.kill)', () => {
  it('is undefined while running, true after disconnect() and false after kill() or destroy()', async () => {
    const app = startExample('exited-after-disconnect.js');
    await app.waitForCount('exit', 3);
    await expectCleanExit(app);

    for (const how of ['disconnect', 'kill', 'destroy'])
      expect(only(app, 'online', { how }).before).toBe('undefined');
    expect(only(app, 'exit', { how: 'disconnect' })).toMatchObject({
      code: 0,
      signal: null,
      exitedAfterDisconnect: true,
    });
    expect(only(app, 'exit', { how: 'kill' }).exitedAfterDisconnect).toBe(false);
    expect(only(app, 'exit', { how: 'destroy' }).exitedAfterDisconnect).toBe(false);
    expect(app.output.filter((line) => line.includes('left on purpose'))).toHaveLength(1);
    expect(app.output.filter((line) => line.includes('did not leave voluntarily'))).toHaveLength(2);
  });
});
