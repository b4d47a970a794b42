// graceful-disconnect.js: worker.disconnect() in the primary, an application 'shutdown' message, and a kill
// timeout for a worker that does not let go.
import { describe, expect, it } from 'vitest';
import { connect, expectCleanExit, only, position, startExample } from './support.js';

describe('graceful-disconnect.js (worker.disconnect() with a kill timeout)', () => {
  it('closes the server and disconnects at once when the worker has no connections', async () => {
    const app = startExample('graceful-disconnect.js');
    const exit = await app.waitForEvent('exit');
    expect(exit).toMatchObject({ code: 0, signal: null, exitedAfterDisconnect: true });
    await expectCleanExit(app);
    only(app, 'server-closed', { id: 1 });
    expect(position(app, only(app, 'shutdown-started'))).toBeLessThan(position(app, only(app, 'disconnect')));
    // The kill timer was cancelled by 'disconnect' (had it stayed, the primary would have waited for it).
    expect(app.named('kill-timeout')).toEqual([]);
  });

  it('lets the worker end its open connection, then closes the server and exits voluntarily', async () => {
    const app = startExample('graceful-disconnect.js', { WAIT_FOR_CONNECTIONS: '1' });
    const { port } = await app.waitForEvent('listening');
    const client = connect(port as number);
    await client.receive('connected to worker #1\n');

    const { received, endedByServer } = await client.closed;
    expect(received).toBe('connected to worker #1\nserver going away\n');
    expect(endedByServer).toBe(true);

    const exit = await app.waitForEvent('exit');
    expect(exit).toMatchObject({ code: 0, signal: null, exitedAfterDisconnect: true });
    await expectCleanExit(app);
    expect(only(app, 'closing-connections').open).toBe(1);
    only(app, 'server-closed', { id: 1 });
    only(app, 'disconnect', { id: 1 });
    expect(app.named('kill-timeout')).toEqual([]);
  });

  it('kills the worker when its connection keeps it from disconnecting in time', async () => {
    const app = startExample('graceful-disconnect.js', {
      WAIT_FOR_CONNECTIONS: '1',
      IGNORE_SHUTDOWN: '1',
      KILL_TIMEOUT_MS: '300',
    });
    const { port } = await app.waitForEvent('listening');
    const client = connect(port as number);
    await client.receive('connected to worker #1\n');

    await app.waitForEvent('shutdown-ignored', { open: 1 });
    await app.waitForEvent('kill-timeout');
    const exit = await app.waitForEvent('exit');
    expect(exit).toMatchObject({ code: null, signal: 'SIGTERM', exitedAfterDisconnect: true });
    // The server never closed: the connection stayed open until the process died.
    expect(app.named('server-closed')).toEqual([]);
    const { received } = await client.closed;
    expect(received).toBe('connected to worker #1\n');
    await expectCleanExit(app);
  });
});
