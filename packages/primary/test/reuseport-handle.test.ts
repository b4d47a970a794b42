// ReusePortHandle on real SO_REUSEPORT sockets on 127.0.0.1, with fake workers: a socket each, an orphan the
// primary accepts on when its worker leaves, and the take-over by a replacement.
import { once } from 'node:events';
import { RoundRobinStrategy } from '@shoal/scheduler';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { reusePortSupport } from '../src/bind-reuseport-handle.js';
import { ReusePortHandle } from '../src/reuseport-handle.js';
import { answerRecorder, connectAndWaitForEnd, FakeMember, tcpQuery } from './fakes.js';

const support = reusePortSupport();
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function reusePort(onClosed: () => void = () => {}): ReusePortHandle {
  if (!support.ok) throw new Error(support.reason);
  const handle = new ReusePortHandle(
    '127.0.0.1:0:4',
    '127.0.0.1',
    tcpQuery(0),
    new RoundRobinStrategy(),
    support.bind,
    onClosed,
  );
  cleanups.push(() => {
    for (const id of handle.memberIds()) handle.remove(new FakeMember(id));
  });
  return handle;
}

describe.skipIf(!support.ok)('ReusePortHandle', () => {
  it('gives every worker a socket of its own on one port', () => {
    const handle = reusePort();
    const first = answerRecorder();
    const second = answerRecorder();
    handle.add(new FakeMember(1), first.answer);
    handle.add(new FakeMember(2), second.answer);
    expect(first.answers[0]?.errno).toBe(0);
    expect(second.answers[0]?.errno).toBe(0);
    expect(first.answers[0]?.handle).toBeTypeOf('object');
    expect(second.answers[0]?.handle).not.toBe(first.answers[0]?.handle);
    const address = handle.localAddress() as { address: string; port: number };
    expect(address.address).toBe('127.0.0.1');
    expect(address.port).toBeGreaterThan(0);
    const portOf = (socket: unknown): number | undefined => {
      const name: { port?: number } = {};
      (socket as { getsockname(out: object): number }).getsockname(name);
      return name.port;
    };
    expect(portOf(first.answers[0]?.handle)).toBe(address.port);
    expect(portOf(second.answers[0]?.handle)).toBe(address.port);
    expect(handle.memberIds()).toEqual([1, 2]);
    expect(handle.counters()).toMatchObject({ sockets: 2, orphans: 0 });
  });

  it('adopts the socket of a worker that left, hands what arrives on it on, and lets a replacement take it over', async () => {
    const onClosed = vi.fn();
    const handle = reusePort(onClosed);
    const leaving = new FakeMember(1);
    const staying = new FakeMember(2, 'hold');
    handle.add(leaving, answerRecorder().answer);
    handle.add(staying, answerRecorder().answer);
    const { port } = handle.localAddress() as { port: number };

    expect(handle.remove(leaving)).toBe(false);
    expect(handle.memberIds()).toEqual([2]);
    expect(handle.counters()).toMatchObject({ sockets: 2, orphans: 1 });

    // The fake workers never listen on their sockets, so the orphan is the only one accepting on the port.
    const offered = once(staying, 'offer', { signal: AbortSignal.timeout(5_000) });
    const ended = connectAndWaitForEnd(port);
    const [offer] = await offered;
    expect(offer.key).toBe(handle.key);
    offer.reply({ accepted: true }, undefined);
    expect(await ended).toBe('closed');
    expect(handle.counters()).toMatchObject({ handedOut: 1, accepted: 1 });

    const replacement = new FakeMember(3);
    const takeOver = answerRecorder();
    handle.add(replacement, takeOver.answer);
    const answered = takeOver.answers[0];
    expect(answered?.errno).toBe(0);
    expect(answered?.onSent).toBeTypeOf('function');
    expect(handle.counters()).toMatchObject({ sockets: 2, orphans: 0 });
    // Until the socket was written to the replacement's channel, the primary keeps accepting on it (and may
    // hand what arrives to the replacement itself, now one of the workers).
    staying.answer = true;
    expect(await connectAndWaitForEnd(port)).toBe('closed');
    expect(staying.offers.length + replacement.offers.length).toBe(2);

    answered?.onSent?.(null);
    expect(handle.counters()).toMatchObject({ sockets: 2, orphans: 0 });
    expect(handle.memberIds()).toEqual([2, 3]);
    // The primary closed its copy: nothing accepts on the port now (the fake replacement does not listen).
    expect(await connectAndWaitForEnd(port)).toBe('ECONNREFUSED');
    expect(staying.offers.length + replacement.offers.length).toBe(2);

    expect(handle.remove(replacement)).toBe(false);
    expect(handle.remove(staying)).toBe(true);
    expect(handle.closed).toBe(true);
    expect(handle.counters()).toMatchObject({ sockets: 0, orphans: 0 });
    expect(onClosed).not.toHaveBeenCalled();
  });

  it('keeps the orphan when the replacement leaves before it was sent the socket', async () => {
    const handle = reusePort();
    const leaving = new FakeMember(1);
    const staying = new FakeMember(2);
    handle.add(leaving, answerRecorder().answer);
    handle.add(staying, answerRecorder().answer);
    const { port } = handle.localAddress() as { port: number };
    handle.remove(leaving);
    const replacement = new FakeMember(3);
    const takeOver = answerRecorder();
    handle.add(replacement, takeOver.answer);
    expect(handle.remove(replacement)).toBe(false);
    expect(handle.counters()).toMatchObject({ sockets: 2, orphans: 1 });
    takeOver.answers[0]?.onSent?.(new Error('the worker disconnected'));
    expect(handle.counters()).toMatchObject({ sockets: 2, orphans: 1 });
    // Still accepted on and handed to the remaining worker.
    expect(await connectAndWaitForEnd(port)).toBe('closed');
    expect(staying.offers).toHaveLength(1);
  });
});
