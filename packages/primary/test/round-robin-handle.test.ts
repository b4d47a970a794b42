// RoundRobinHandle on real sockets on 127.0.0.1, with fake workers: binding, a real connection handed out as a
// raw handle, a failed bind, and a worker that leaves while the socket still binds.
import dns from 'node:dns/promises';
import { once } from 'node:events';
import net from 'node:net';
import { constants } from 'node:os';
import { RoundRobinStrategy } from '@shoal/scheduler';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RoundRobinHandle } from '../src/round-robin-handle.js';
import {
  answerRecorder,
  closeServer,
  connectAndWaitForEnd,
  FakeMember,
  holdPort,
  tcpQuery,
} from './fakes.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A handle whose workers are all removed after the test, so its socket closes even when an assertion failed. */
function roundRobin(address: string, port: number, onClosed: () => void = () => {}): RoundRobinHandle {
  const handle = new RoundRobinHandle(
    `${address}:${port}:4`,
    address,
    tcpQuery(port, address),
    new RoundRobinStrategy(),
    onClosed,
  );
  cleanups.push(() => {
    for (const id of handle.memberIds()) handle.remove(new FakeMember(id));
  });
  return handle;
}

describe('RoundRobinHandle', () => {
  it('answers with the sockname once bound and hands a real connection to a worker as a raw handle', async () => {
    const handle = roundRobin('127.0.0.1', 0);
    const worker = new FakeMember(1, 'hold');
    const { answer, next } = answerRecorder();
    handle.add(worker, answer);
    const answered = await next();
    expect(answered.errno).toBeNull();
    const sockname = answered.reply?.sockname;
    expect(sockname).toMatchObject({ address: '127.0.0.1', family: 'IPv4' });
    const port = sockname?.port as number;
    expect(port).toBeGreaterThan(0);
    expect(handle.localAddress()).toEqual({ address: '127.0.0.1', port });
    expect(handle.memberIds()).toEqual([1]);

    const offered = once(worker, 'offer', { signal: AbortSignal.timeout(5_000) });
    const ended = connectAndWaitForEnd(port);
    const [offer] = await offered;
    expect(offer.key).toBe(handle.key);
    // libuv's own wrap, not a net.Socket: the primary never reads from it.
    expect(offer.client).not.toBeInstanceOf(net.Socket);
    expect(offer.client).toMatchObject({ close: expect.any(Function), getpeername: expect.any(Function) });
    const peer: { address?: string } = {};
    (offer.client as { getpeername(out: object): number }).getpeername(peer);
    expect(peer.address).toBe('127.0.0.1');
    expect(handle.counters()).toMatchObject({ inFlight: 1, handedOut: 1, sockets: 1 });

    // Accepted: the primary closes its copy, and with no worker holding another, the client sees the close.
    offer.reply({ accepted: true }, undefined);
    expect(await ended).toBe('closed');
    expect(handle.counters()).toMatchObject({ inFlight: 0, accepted: 1 });

    expect(handle.remove(worker)).toBe(true);
    expect(handle.counters().sockets).toBe(0);
    expect(await connectAndWaitForEnd(port)).toBe('ECONNREFUSED');
  });

  it('answers a worker that joins after the socket is listening at once', async () => {
    const handle = roundRobin('127.0.0.1', 0);
    const first = answerRecorder();
    handle.add(new FakeMember(1), first.answer);
    await first.next();
    const second = answerRecorder();
    handle.add(new FakeMember(2), second.answer);
    expect(second.answers).toHaveLength(1);
    expect(second.answers[0]?.reply).toEqual(first.answers[0]?.reply);
    expect(handle.memberIds()).toEqual([1, 2]);
    expect(handle.remove(new FakeMember(1))).toBe(false);
    expect(handle.remove(new FakeMember(1))).toBe(false); // not a member any more
    expect(handle.counters().sockets).toBe(1);
  });

  it('closes the socket a worker left while it was still binding, and never answers that worker', async () => {
    // 'localhost' makes the bind wait for a DNS lookup, so the worker can leave before the socket listens.
    const createServer = vi.spyOn(net, 'createServer');
    const handle = roundRobin('localhost', 0);
    const server = createServer.mock.results[0]?.value as net.Server;
    expect(server).toBeInstanceOf(net.Server);
    let boundPort = 0;
    // Runs before the handle's own 'listening' handler: the port, while the server still has its handle.
    server.prependOnceListener('listening', () => {
      boundPort = (server.address() as net.AddressInfo).port;
    });
    const listened = once(server, 'listening', { signal: AbortSignal.timeout(5_000) });

    const worker = new FakeMember(1);
    const { answers, answer } = answerRecorder();
    handle.add(worker, answer);
    expect(handle.has(worker)).toBe(true);
    expect(handle.remove(worker)).toBe(true);
    expect(handle.has(worker)).toBe(false);
    expect(handle.counters().sockets).toBe(0);

    await listened; // the late bind finished; the handle's handler has run
    expect(boundPort).toBeGreaterThan(0);
    expect(answers).toEqual([]);
    const { address } = await dns.lookup('localhost');
    expect(await connectAndWaitForEnd(boundPort, address)).toBe('ECONNREFUSED');
    expect(worker.offers).toEqual([]);
  });

  it('answers a failed bind with its errno to every waiting worker and keeps none of them', async () => {
    const held = await holdPort();
    cleanups.push(() => closeServer(held.server));
    const handle = roundRobin('127.0.0.1', held.port);
    const first = answerRecorder();
    const second = answerRecorder();
    handle.add(new FakeMember(1), first.answer);
    handle.add(new FakeMember(2), second.answer);
    const [a, b] = await Promise.all([first.next(), second.next()]);
    expect(a.errno).toBe(-constants.errno.EADDRINUSE);
    expect(b.errno).toBe(-constants.errno.EADDRINUSE);
    expect(a.reply).toBeNull();
    expect(first.answers).toHaveLength(1);
    expect(second.answers).toHaveLength(1);
    expect(handle.memberIds()).toEqual([]);
    expect(handle.has(new FakeMember(1))).toBe(false);
    expect(handle.localAddress()).toBeUndefined();
  });
});
