// supervise() as a named export of the facade, and the facade without it: exactly node:cluster (no signal
// handler installed, nothing respawned).
import { describe, expect, it } from 'vitest';
import { ProcessFixture } from '../../../tools/test-support/index.js';
import { fixture } from './fixture-path.js';

describe('the facade and supervision', () => {
  it('alone: installs no signal handler and respawns nothing', async () => {
    const run = ProcessFixture.start(fixture('facade-supervise.mjs'));
    const done = await run.waitForEvent('done');
    expect(done).toMatchObject({ before: [0, 0, 0], after: [0, 0, 0], workers: 0 });
    expect(await run.waitForExit()).toEqual({ code: 0, signal: null });
  });

  it('supervise() runs on the facade’s primary: its workers are cluster.workers, and it refuses to run in a worker', async () => {
    const run = ProcessFixture.start(fixture('facade-supervise.mjs'), { env: { MODE: 'supervise' } });
    const supervised = await run.waitForEvent('supervised');
    expect(supervised).toMatchObject({ forks: [1, 2], workers: [1, 2], keys: 1, signals: [0, 0, 0] });
    const refusals = await run.waitForCount('worker-message', 2);
    expect(refusals.map((event) => event.message)).toEqual([
      { refused: 'SHOAL_ERR_NOT_PRIMARY' },
      { refused: 'SHOAL_ERR_NOT_PRIMARY' },
    ]);
    expect(await run.waitForEvent('stopped')).toMatchObject({ workers: 0 });
    expect(await run.waitForExit()).toEqual({ code: 0, signal: null });
  });
});
