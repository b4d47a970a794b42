// SharedHandle on real sockets on 127.0.0.1, with fake workers: one bound handle for all, a failed bind, closing.
import { once } from 'node:events';
import net from 'node:net';
import { constants } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { SharedHandle } from '../src/shared-handle.js';
import { answerRecorder, closeServer, FakeMember, holdPort, tcpQuery } from './fakes.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function shared(port: number): SharedHandle {
  const handle = new SharedHandle(`127.0.0.1:${port}:4`, '127.0.0.1', tcpQuery(port));
  cleanups.push(() => {
    for (const id of handle.memberIds()) handle.remove(new FakeMember(id));
  });
  return handle;
}

describe('SharedHandle', () => {
  it('answers every worker with the one bound handle, and closes it when the last one leaves', async () => {
    const handle = shared(0);
    const first = answerRecorder();
    const second = answerRecorder();
    handle.add(new FakeMember(1), first.answer);
    handle.add(new FakeMember(2), second.answer);
    expect(first.answers).toHaveLength(1); // TCP binds synchronously
    expect(first.answers[0]?.errno).toBe(0);
    expect(first.answers[0]?.handle).toBeTypeOf('object');
    expect(second.answers[0]?.handle).toBe(first.answers[0]?.handle);
    expect(handle.failed).toBe(false);
    expect(handle.memberIds()).toEqual([1, 2]);
    const address = handle.localAddress();
    expect(address).toMatchObject({ address: '127.0.0.1' });
    const port = (address as { port: number }).port;
    expect(port).toBeGreaterThan(0);
    expect(handle.counters()).toMatchObject({ sockets: 1, handedOut: 0 });

    expect(handle.remove(new FakeMember(1))).toBe(false);
    expect(handle.counters().sockets).toBe(1);
    expect(handle.remove(new FakeMember(2))).toBe(true);
    expect(handle.counters().sockets).toBe(0);
    expect(handle.remove(new FakeMember(2))).toBe(false);

    // The port was really released: something else can listen on it now.
    const server = net.createServer().listen(port, '127.0.0.1');
    cleanups.push(() => closeServer(server));
    await once(server, 'listening', { signal: AbortSignal.timeout(5_000) });
  });

  it('answers a failed bind with its errno and keeps no member, for every later add too', async () => {
    const held = await holdPort();
    cleanups.push(() => closeServer(held.server));
    const handle = shared(held.port);
    const worker = new FakeMember(1);
    const first = answerRecorder();
    handle.add(worker, first.answer);
    expect(first.answers).toEqual([
      { errno: -constants.errno.EADDRINUSE, reply: null, handle: null, onSent: undefined },
    ]);
    expect(handle.failed).toBe(true);
    expect(handle.has(worker)).toBe(false);
    expect(handle.memberIds()).toEqual([]);
    expect(handle.counters().sockets).toBe(0);
    expect(handle.localAddress()).toBeUndefined();

    const again = answerRecorder();
    handle.add(worker, again.answer);
    expect(again.answers[0]?.errno).toBe(-constants.errno.EADDRINUSE);
    expect(handle.has(worker)).toBe(false);
  });

  it('reports a pipe by its path', async () => {
    const path = `/tmp/shoal-shared-${process.pid}-${Date.now()}.sock`;
    const query = { ...tcpQuery(-1, path), addressType: -1 as const };
    const handle = new SharedHandle(`${path}:-1:-1`, path, query);
    const recorded = answerRecorder();
    const worker = new FakeMember(1);
    handle.add(worker, recorded.answer);
    try {
      expect(recorded.answers[0]?.errno).toBe(0);
      expect(handle.localAddress()).toEqual({ path });
    } finally {
      handle.remove(worker);
    }
  });
});
