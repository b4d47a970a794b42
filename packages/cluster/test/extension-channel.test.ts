// A worker's extension channel reaches the primary's subscribers: hello, heartbeat, metrics, readiness, and RPC
// both ways with errors carried across (through cluster.sessionOf(worker).channel).
import { describe, expect, it } from 'vitest';
import { ProcessFixture } from '../../../tools/test-support/index.js';
import { fixture } from './fixture-path.js';

describe('extension channel through sessionOf()', () => {
  it('delivers what the worker runtime sends, and answers RPC both ways', async () => {
    const primary = ProcessFixture.start(fixture('extension-channel.mjs'));
    const hello = await primary.waitForEvent('primary:hello');
    expect(hello).toMatchObject({ id: 1, role: 'worker' });
    expect(hello.pid).toEqual(expect.any(Number));
    expect(await primary.waitForEvent('primary:heartbeat')).toMatchObject({ id: 1, timestamp: 1234 });
    expect(await primary.waitForEvent('primary:metrics')).toMatchObject({ metrics: { queueDepth: 3 } });
    expect((await primary.waitForEvent('primary:message')).message).toEqual({
      sum: 5,
      failure: { code: 'SHOAL_ERR_RPC_REMOTE', remote: 'E_NOPE' },
    });
    await primary.waitForEvent('primary:ready', { id: 1 });
    expect((await primary.waitForEvent('primary:pong')).pong).toEqual({
      pong: true,
      params: { from: 'primary' },
    });
    expect(await primary.waitForExit()).toEqual({ code: 0, signal: null });
  });
});
