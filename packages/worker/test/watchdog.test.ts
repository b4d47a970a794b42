// The orphan watchdog thread seen from the process that hosts it: it keeps nothing alive, changes no exit
// code or execArgv, and the runtime starts it only in the main thread of a cluster worker.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ProcessFixture } from '../../../tools/test-support/index.js';

const host = fileURLToPath(new URL('./fixtures/watchdog-host.mjs', import.meta.url));

describe('orphan watchdog thread', () => {
  it('does not keep its process alive or change its exit code', async () => {
    const fixture = ProcessFixture.start(host, { args: ['exit-code'], env: { FIXTURE_START_WATCHDOG: '1' } });
    expect(await fixture.waitForExit(10_000)).toEqual({ code: 7, signal: null });
  });

  it('leaves execArgv alone; the app sees one thread more (its first own thread is threadId 2)', async () => {
    const fixture = ProcessFixture.start(host, {
      args: ['threads'],
      env: { FIXTURE_START_WATCHDOG: '1' },
      nodeArgs: ['--no-warnings'],
    });
    const report = await fixture.waitForEvent('report');
    expect(report).toMatchObject({ execArgv: ['--no-warnings'], appThreadId: 2 });
  });

  it('is not started by the runtime outside a cluster worker, even with SHOAL_WATCHDOG=1', async () => {
    // ProcessFixture passes the test's env through: no NODE_UNIQUE_ID, so no cluster worker.
    expect(process.env.NODE_UNIQUE_ID).toBeUndefined();
    const fixture = ProcessFixture.start(host, {
      args: ['threads'],
      env: { SHOAL_WATCHDOG: '1', SHOAL_HEARTBEAT_MS: '50', FIXTURE_START_RUNTIME: '1' },
    });
    expect(await fixture.waitForEvent('report')).toMatchObject({ execArgv: [], appThreadId: 1 });
    // Heartbeat timers and the runtime's listeners keep nothing alive either.
    expect(await fixture.waitForExit(10_000)).toEqual({ code: 0, signal: null });
  });
});
