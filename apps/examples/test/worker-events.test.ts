// worker-events.js: the Worker events 'online', 'listening', 'disconnect' (and 'exit'), with isConnected().
import { describe, expect, it } from 'vitest';
import { expectCleanExit, only, position, startExample } from './support.js';

describe('worker-events.js (Worker events: online, listening, disconnect)', () => {
  it('sees online, listening, disconnect and exit on the forked worker, in that order', async () => {
    const app = startExample('worker-events.js');
    await app.waitForEvent('exit');
    await expectCleanExit(app);

    const forked = only(app, 'forked');
    const online = only(app, 'online');
    const listening = only(app, 'listening');
    const requested = only(app, 'disconnect-requested');
    const disconnect = only(app, 'disconnect');
    const exit = only(app, 'exit');
    const workerListening = only(app, 'worker-listening');

    expect(forked).toMatchObject({ id: 1, connected: true });
    expect(listening.address).toEqual({ addressType: 4, address: null, port: workerListening.port });
    expect(workerListening.port).toBeGreaterThan(0);
    // Asking for a disconnect does not close the channel at once; the 'disconnect' event marks that.
    expect(requested.connected).toBe(true);
    expect(disconnect.connected).toBe(false);
    expect(exit).toMatchObject({
      code: 0,
      signal: null,
      connected: false,
      dead: true,
      exitedAfterDisconnect: true,
    });
    only(app, 'server-closed', { id: 1 });

    const order = [forked, online, listening, requested, disconnect, exit].map((event) =>
      position(app, event),
    );
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // Not emitted inside the worker.
    expect(app.named('unexpected-worker-side-event')).toEqual([]);
  });
});
