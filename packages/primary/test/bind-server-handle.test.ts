// delayedBindError on real sockets: libuv reports a TCP bind's EADDRINUSE only at listen(), so the primary checks
// the bound port itself.
import net from 'node:net';
import { constants } from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { delayedBindError } from '../src/bind-server-handle.js';
import { closeServer, holdPort } from './fakes.js';

interface TcpWrap {
  close(): void;
  getsockname(out: Record<string, unknown>): number;
}
const createServerHandle = (
  net as unknown as { _createServerHandle: (...args: unknown[]) => TcpWrap | number }
)._createServerHandle;

const servers: net.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await closeServer(server);
});

describe('delayedBindError', () => {
  it('gives EADDRINUSE for a port another socket listens on, and closes the unbound handle', async () => {
    const { port, server } = await holdPort();
    servers.push(server);
    const handle = createServerHandle('127.0.0.1', port, 4);
    // libuv defers the error: a handle comes back, bound to nothing.
    expect(typeof handle).toBe('object');
    const wrap = handle as TcpWrap;
    const close = vi.spyOn(wrap, 'close');
    expect(delayedBindError(wrap, port)).toBe(-constants.errno.EADDRINUSE);
    expect(close).toHaveBeenCalledTimes(1);
  });

  it('gives 0 for a free port, leaving the handle bound to it', async () => {
    const { port, server } = await holdPort();
    await closeServer(server);
    const wrap = createServerHandle('127.0.0.1', port, 4) as TcpWrap;
    const close = vi.spyOn(wrap, 'close');
    try {
      expect(delayedBindError(wrap, port)).toBe(0);
      expect(close).not.toHaveBeenCalled();
      const name: { port?: number } = {};
      wrap.getsockname(name);
      expect(name.port).toBe(port);
    } finally {
      wrap.close();
    }
  });

  it('does not check port 0 or a missing port (any port will do)', () => {
    const wrap = createServerHandle('127.0.0.1', 0, 4) as TcpWrap;
    try {
      expect(delayedBindError(wrap, 0)).toBe(0);
      expect(delayedBindError(wrap, null)).toBe(0);
      expect(delayedBindError(wrap, undefined)).toBe(0);
    } finally {
      wrap.close();
    }
  });
});
