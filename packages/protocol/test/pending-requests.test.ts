import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PendingRequests, ProtocolError } from '../src/index.js';

async function rejection(promise: Promise<unknown>): Promise<ProtocolError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ProtocolError);
  return error as ProtocolError;
}

describe('PendingRequests', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('hands out distinct positive ids and resolves by id', async () => {
    const table = new PendingRequests<string>();
    const a = table.create();
    const b = table.create();
    expect(a.id).toBeGreaterThan(0);
    expect(b.id).not.toBe(a.id);
    expect(table.size).toBe(2);
    expect(table.resolve(b.id, 'b')).toBe(true);
    expect(table.resolve(a.id, 'a')).toBe(true);
    await expect(a.promise).resolves.toBe('a');
    await expect(b.promise).resolves.toBe('b');
    expect(table.size).toBe(0);
  });

  it('settles once: a second resolve or reject and unknown ids return false', async () => {
    const table = new PendingRequests<number>();
    const { id, promise } = table.create();
    expect(table.resolve(id, 1)).toBe(true);
    expect(table.resolve(id, 2)).toBe(false);
    expect(table.reject(id, new Error('late'))).toBe(false);
    expect(table.resolve(12345, 0)).toBe(false);
    await expect(promise).resolves.toBe(1);
  });

  it('rejects by id', async () => {
    const table = new PendingRequests<number>();
    const { id, promise } = table.create();
    const error = new Error('no');
    expect(table.reject(id, error)).toBe(true);
    await expect(promise).rejects.toBe(error);
    expect(table.size).toBe(0);
  });

  it('times out with SHOAL_ERR_REQUEST_TIMEOUT, naming the request', async () => {
    const table = new PendingRequests<number>();
    const { id, promise } = table.create({ timeoutMs: 500, label: 'rpc "stats"' });
    const settled = rejection(promise);
    vi.advanceTimersByTime(499);
    expect(table.size).toBe(1);
    vi.advanceTimersByTime(1);
    const error = await settled;
    expect(error.code).toBe('SHOAL_ERR_REQUEST_TIMEOUT');
    expect(error.message).toBe('rpc "stats" timed out after 500 ms');
    expect(error.details).toEqual({ id, timeoutMs: 500 });
    expect(table.size).toBe(0);
    expect(table.resolve(id, 1)).toBe(false);
  });

  it('clears the timer when a request settles first', async () => {
    const table = new PendingRequests<number>();
    const { id, promise } = table.create({ timeoutMs: 100 });
    expect(vi.getTimerCount()).toBe(1);
    table.resolve(id, 7);
    expect(vi.getTimerCount()).toBe(0);
    await expect(promise).resolves.toBe(7);
  });

  it('unrefs its timers', () => {
    const unref = vi.fn();
    const realSetTimeout = globalThis.setTimeout;
    const spy = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((
      ...args: Parameters<typeof setTimeout>
    ) => {
      const timer = realSetTimeout(...args);
      const original = timer.unref.bind(timer);
      timer.unref = () => {
        unref();
        return original();
      };
      return timer;
    }) as typeof setTimeout);
    try {
      const table = new PendingRequests<number>();
      const { id } = table.create({ timeoutMs: 1000 });
      expect(unref).toHaveBeenCalledOnce();
      table.resolve(id, 0);
    } finally {
      spy.mockRestore();
    }
  });

  it('never times out without timeoutMs or with Infinity', () => {
    const table = new PendingRequests<number>();
    const requests = [table.create(), table.create({ timeoutMs: Number.POSITIVE_INFINITY })];
    for (const { promise } of requests) promise.catch(() => undefined);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(10 ** 9);
    expect(table.size).toBe(2);
    table.rejectAll(new Error('cleanup'));
  });

  it('refuses bad timeouts with ERR_OUT_OF_RANGE', () => {
    const table = new PendingRequests<number>();
    for (const timeoutMs of [-1, Number.NaN, 2 ** 31, '5' as unknown as number]) {
      expect(() => table.create({ timeoutMs })).toThrow(
        expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
      );
    }
    expect(table.size).toBe(0);
  });

  it('cancels with SHOAL_ERR_REQUEST_CANCELLED when the signal aborts, and cleans up', async () => {
    const table = new PendingRequests<number>();
    const controller = new AbortController();
    const { promise } = table.create({ signal: controller.signal, timeoutMs: 1000 });
    const settled = rejection(promise);
    const reason = new Error('user gave up');
    controller.abort(reason);
    const error = await settled;
    expect(error.code).toBe('SHOAL_ERR_REQUEST_CANCELLED');
    expect(error.cause).toBe(reason);
    expect(table.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects at once for an already aborted signal, without opening the request', async () => {
    const table = new PendingRequests<number>();
    const { id, promise } = table.create({ signal: AbortSignal.abort(), timeoutMs: 1000 });
    expect(table.size).toBe(0);
    expect(table.has(id)).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    expect((await rejection(promise)).code).toBe('SHOAL_ERR_REQUEST_CANCELLED');
  });

  it('removes its abort listener once settled', async () => {
    const table = new PendingRequests<number>();
    const controller = new AbortController();
    const remove = vi.spyOn(controller.signal, 'removeEventListener');
    const { id, promise } = table.create({ signal: controller.signal });
    table.resolve(id, 1);
    expect(remove).toHaveBeenCalledWith('abort', expect.any(Function));
    controller.abort();
    await expect(promise).resolves.toBe(1);
  });

  it('rejectAll rejects every open request and leaves the table empty', async () => {
    const table = new PendingRequests<number>();
    const controller = new AbortController();
    const requests = [
      table.create(),
      table.create({ timeoutMs: 100 }),
      table.create({ signal: controller.signal }),
    ];
    const error = new Error('closed');
    table.rejectAll(error);
    expect(table.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    for (const { promise } of requests) await expect(promise).rejects.toBe(error);
    controller.abort();
    table.rejectAll(new Error('again: nothing to do'));
  });

  it('does not leak under a mix of outcomes', async () => {
    const table = new PendingRequests<number>();
    const outcomes: Promise<unknown>[] = [];
    for (let i = 0; i < 300; i++) {
      const controller = new AbortController();
      const { id, promise } = table.create({ timeoutMs: 50, signal: controller.signal });
      outcomes.push(promise.catch(() => undefined));
      if (i % 3 === 0) table.resolve(id, i);
      else if (i % 3 === 1) controller.abort();
    }
    expect(table.size).toBe(100);
    vi.advanceTimersByTime(50);
    await Promise.all(outcomes);
    expect(table.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('knows the label of an open request', () => {
    const table = new PendingRequests<number>();
    const named = table.create({ label: 'rpc "x"' });
    const unnamed = table.create();
    for (const { promise } of [named, unnamed]) promise.catch(() => undefined);
    const { id } = named;
    expect(table.labelOf(id)).toBe('rpc "x"');
    expect(table.labelOf(unnamed.id)).toBe(`request ${unnamed.id}`);
    table.rejectAll(new Error('done'));
    expect(table.labelOf(id)).toBeUndefined();
  });
});
