import { once } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ExtensionChannel,
  type ExtensionChannelOptions,
  helloMessage,
  loadMessage,
  type PeerInfo,
  ProtocolError,
  SHOAL_CMD,
} from '../src/index.js';
import { createTransportPair, type MemoryTransport, type Serialization } from './helpers/memory-transport.js';

const channels: ExtensionChannel[] = [];

afterEach(() => {
  vi.useRealTimers();
  for (const channel of channels.splice(0)) channel.close();
});

function channel(transport: MemoryTransport, options: ExtensionChannelOptions): ExtensionChannel {
  const created = new ExtensionChannel(transport, options);
  channels.push(created);
  return created;
}

function connectedPair(
  serialization: Serialization = 'json',
  primaryOptions: Partial<ExtensionChannelOptions> = {},
  workerOptions: Partial<ExtensionChannelOptions> = {},
) {
  const [primaryTransport, workerTransport] = createTransportPair(serialization);
  const primary = channel(primaryTransport, { role: 'primary', ...primaryOptions });
  const worker = channel(workerTransport, { role: 'worker', ...workerOptions });
  return { primary, worker, primaryTransport, workerTransport };
}

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

/** Collects every 'protocolError' of a channel. */
function protocolErrors(target: ExtensionChannel): ProtocolError[] {
  const errors: ProtocolError[] = [];
  target.on('protocolError', (error) => errors.push(error));
  return errors;
}

/** Resolves once every message already sent on the in-memory pair has been delivered. */
function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe.each(['json', 'advanced'] as const)('ExtensionChannel over %s serialization', (serialization) => {
  it('handshakes: each side learns the peer from its hello', async () => {
    const { primary, worker } = connectedPair(
      serialization,
      { features: ['scheduler'] },
      { features: ['load', 'rpc'], pid: 4242 },
    );
    const primarySaw = once(primary, 'hello') as Promise<[PeerInfo]>;
    const workerSaw = once(worker, 'hello') as Promise<[PeerInfo]>;
    expect(worker.start()).toBe(true);
    expect(primary.start()).toBe(true);
    const [[workerInfo], [primaryInfo]] = await Promise.all([primarySaw, workerSaw]);
    expect(workerInfo).toEqual({ role: 'worker', version: 1, features: ['load', 'rpc'], pid: 4242 });
    expect(primaryInfo).toEqual({ role: 'primary', version: 1, features: ['scheduler'] });
    expect(primary.peer).toEqual(workerInfo);
    expect(worker.peer).toEqual(primaryInfo);
  });

  it('answers requests both ways, correlated by id', async () => {
    const { primary, worker } = connectedPair(serialization);
    worker.handle('sum', (params) => {
      const { a, b } = params as { a: number; b: number };
      return a + b;
    });
    worker.handle('echo', async (params, context) => ({ params, id: context.id }));
    primary.handle('config', () => ({ name: 'app', replicas: 2 }));
    const results = await Promise.all([
      primary.request('sum', { a: 1, b: 2 }),
      primary.request('sum', { a: 10, b: 20 }),
      primary.request('echo', ['x', null]),
      worker.request('config'),
    ]);
    expect(results[0]).toBe(3);
    expect(results[1]).toBe(30);
    expect(results[2]).toEqual({ params: ['x', null], id: expect.any(Number) });
    expect(results[3]).toEqual({ name: 'app', replicas: 2 });
    expect(primary.pendingRequestCount).toBe(0);
    expect(worker.pendingRequestCount).toBe(0);
  });

  it('resolves undefined for a handler that returns nothing', async () => {
    const { primary, worker } = connectedPair(serialization);
    worker.handle('noop', () => undefined);
    await expect(primary.request('noop')).resolves.toBeUndefined();
  });

  it('rejects with SHOAL_ERR_RPC_REMOTE carrying the remote message, code and name', async () => {
    const { primary, worker } = connectedPair(serialization);
    worker.handle('fail', () => {
      throw Object.assign(new RangeError('out of stock'), { code: 'E_STOCK' });
    });
    worker.handle('failAsync', async () => {
      throw new Error('async boom');
    });
    const error = await rejection(primary.request('fail'));
    expect(error.code).toBe('SHOAL_ERR_RPC_REMOTE');
    expect(error.message).toBe('rpc "fail" failed in the worker: out of stock');
    expect(error.details?.remote).toEqual({ message: 'out of stock', code: 'E_STOCK', name: 'RangeError' });
    const asyncError = await rejection(primary.request('failAsync'));
    expect(asyncError.code).toBe('SHOAL_ERR_RPC_REMOTE');
    expect(asyncError.details?.remote).toEqual({ message: 'async boom', name: 'Error' });
  });

  it('reports a method the peer does not handle as SHOAL_ERR_RPC_REMOTE / SHOAL_ERR_RPC_UNKNOWN_METHOD', async () => {
    const { primary, worker } = connectedPair(serialization);
    const error = await rejection(worker.request('nobody'));
    expect(error.code).toBe('SHOAL_ERR_RPC_REMOTE');
    expect(error.message).toBe('rpc "nobody" failed in the primary: no handler for "nobody"');
    expect(error.details?.remote).toMatchObject({ code: 'SHOAL_ERR_RPC_UNKNOWN_METHOD' });
    expect(primary.pendingRequestCount).toBe(0);
  });
});

describe('ExtensionChannel handshake failures', () => {
  it('reports a worker on another version, naming both versions, and emits no hello', async () => {
    const [primaryTransport, workerTransport] = createTransportPair();
    const primary = channel(primaryTransport, { role: 'primary' });
    const errors = protocolErrors(primary);
    const hello = vi.fn();
    primary.on('hello', hello);
    workerTransport.send({ ...helloMessage('worker'), v: 2, version: 2 });
    await flush();
    expect(errors).toHaveLength(1);
    expect(errors[0]?.code).toBe('SHOAL_ERR_PROTOCOL_VERSION_MISMATCH');
    expect(errors[0]?.message).toBe('primary speaks Shoal protocol 1, worker speaks 2');
    expect(hello).not.toHaveBeenCalled();
    expect(primary.peer).toBeUndefined();
  });

  it('reports it the same way from the worker side', async () => {
    const [primaryTransport, workerTransport] = createTransportPair();
    const worker = channel(workerTransport, { role: 'worker' });
    const errors = protocolErrors(worker);
    primaryTransport.send({ ...helloMessage('primary'), version: 2 }); // v 1 envelope, version 2 inside
    primaryTransport.send({ ...loadMessage({ connections: 0, requests: 0 }), v: 3 });
    await flush();
    expect(errors.map((error) => error.message)).toEqual([
      'primary speaks Shoal protocol 2, worker speaks 1',
      'primary speaks Shoal protocol 3, worker speaks 1',
    ]);
    expect(errors[0]?.details).toMatchObject({ localRole: 'worker', localVersion: 1, remoteVersion: 2 });
  });

  it('reports a peer announcing its own role', async () => {
    const [primaryTransport, otherTransport] = createTransportPair();
    const primary = channel(primaryTransport, { role: 'primary' });
    const errors = protocolErrors(primary);
    otherTransport.send(helloMessage('primary'));
    await flush();
    expect(errors.map((error) => error.code)).toEqual(['SHOAL_ERR_PROTOCOL_ROLE_CONFLICT']);
    expect(primary.peer).toBeUndefined();
  });
});

describe('ExtensionChannel notifications', () => {
  it('emits load, ready, heartbeat and metrics', async () => {
    const { primary, worker } = connectedPair('advanced');
    const load = once(primary, 'load');
    const ready = once(primary, 'ready');
    const heartbeat = once(worker, 'heartbeat');
    const metrics = once(primary, 'metrics');
    expect(worker.sendLoad({ connections: 5, requests: 2, eventLoopDelayMs: 1.5 })).toBe(true);
    expect(worker.sendReady()).toBe(true);
    expect(primary.sendHeartbeat(1234)).toBe(true);
    expect(worker.sendMetrics({ rss: 1, histogram: [{ le: 0.1, count: 3 }] }, 9)).toBe(true);
    expect((await load)[0]).toEqual({ connections: 5, requests: 2, eventLoopDelayMs: 1.5 });
    expect((await ready)[0]).toMatchObject({ type: 'ready' });
    expect((await heartbeat)[0]).toBe(1234);
    const [metricsValue, metricsMessage] = await metrics;
    expect(metricsValue).toEqual({ rss: 1, histogram: [{ le: 0.1, count: 3 }] });
    expect(metricsMessage).toMatchObject({ id: 9 });
  });
});

describe('ExtensionChannel robustness', () => {
  it('emits protocolError for garbage and ignores traffic that is not its own', async () => {
    const [primaryTransport, workerTransport] = createTransportPair();
    const primary = channel(primaryTransport, { role: 'primary' });
    const errors = protocolErrors(primary);
    const raws: unknown[] = [];
    primary.on('protocolError', (_error, raw) => raws.push(raw));
    // Node's own traffic and user messages: not the channel's business.
    workerTransport.send({ cmd: 'NODE_CLUSTER', act: 'online', seq: 0 });
    workerTransport.send({ cmd: 'NODE_HANDLE_ACK' });
    workerTransport.send('a user message');
    workerTransport.send(null);
    // Extension traffic that is wrong.
    workerTransport.send({ cmd: SHOAL_CMD });
    workerTransport.send({ cmd: SHOAL_CMD, v: 1, type: 'teleport' });
    workerTransport.send({ cmd: SHOAL_CMD, v: 1, type: 'load', load: { connections: 'many' } });
    workerTransport.send({ cmd: SHOAL_CMD, v: 1, type: 'rpc-response' });
    await flush();
    expect(errors.map((error) => error.code)).toEqual([
      'SHOAL_ERR_PROTOCOL_MALFORMED',
      'SHOAL_ERR_PROTOCOL_UNKNOWN_KIND',
      'SHOAL_ERR_PROTOCOL_MALFORMED',
      'SHOAL_ERR_PROTOCOL_MALFORMED',
    ]);
    expect(raws[1]).toEqual({ cmd: SHOAL_CMD, v: 1, type: 'teleport' });
  });

  it('drops answers for unknown or settled ids without complaint', async () => {
    const [primaryTransport, workerTransport] = createTransportPair();
    const primary = channel(primaryTransport, { role: 'primary' });
    const errors = protocolErrors(primary);
    workerTransport.send({ cmd: SHOAL_CMD, v: 1, type: 'rpc-response', id: 77, result: 1 });
    workerTransport.send({ cmd: SHOAL_CMD, v: 1, type: 'rpc-error', id: 78, error: { message: 'late' } });
    await flush();
    expect(errors).toEqual([]);
  });

  it('times out with SHOAL_ERR_REQUEST_TIMEOUT and ignores the late answer', async () => {
    vi.useFakeTimers();
    const { primary, worker } = connectedPair('json', { requestTimeoutMs: 1_000 });
    const errors = protocolErrors(primary);
    let answer!: (value: unknown) => void;
    worker.handle('slow', () => new Promise((resolve) => (answer = resolve)));
    const slow = rejection(primary.request('slow'));
    const slower = rejection(primary.request('slow', undefined, { timeoutMs: 5_000 }));
    await vi.advanceTimersByTimeAsync(1_000);
    const error = await slow;
    expect(error.code).toBe('SHOAL_ERR_REQUEST_TIMEOUT');
    expect(error.message).toBe('rpc "slow" timed out after 1000 ms');
    expect(primary.pendingRequestCount).toBe(1);
    await vi.advanceTimersByTimeAsync(4_000);
    expect((await slower).code).toBe('SHOAL_ERR_REQUEST_TIMEOUT');
    answer('too late');
    await vi.advanceTimersByTimeAsync(0);
    expect(primary.pendingRequestCount).toBe(0);
    expect(errors).toEqual([]);
  });

  it('cancels with SHOAL_ERR_REQUEST_CANCELLED, and sends nothing for an already aborted signal', async () => {
    const { primary, worker, primaryTransport } = connectedPair();
    worker.handle('wait', () => new Promise(() => undefined));
    const controller = new AbortController();
    const pending = rejection(primary.request('wait', null, { signal: controller.signal }));
    controller.abort();
    const error = await pending;
    expect(error.code).toBe('SHOAL_ERR_REQUEST_CANCELLED');
    expect(error.message).toBe('rpc "wait" was cancelled');
    const sentBefore = primaryTransport.sent.length;
    expect((await rejection(primary.request('wait', null, { signal: AbortSignal.abort() }))).code).toBe(
      'SHOAL_ERR_REQUEST_CANCELLED',
    );
    expect(primaryTransport.sent.length).toBe(sentBefore);
    expect(primary.pendingRequestCount).toBe(0);
  });

  it('rejects every open request with SHOAL_ERR_CHANNEL_CLOSED when the transport closes', async () => {
    const { primary, worker, primaryTransport } = connectedPair();
    worker.handle('wait', () => new Promise(() => undefined));
    const open = [
      primary.request('wait'),
      primary.request('wait', 1),
      primary.request('wait', 2, { timeoutMs: 10 }),
    ];
    const closed = vi.fn();
    primary.on('close', closed);
    primaryTransport.close();
    for (const request of open) expect((await rejection(request)).code).toBe('SHOAL_ERR_CHANNEL_CLOSED');
    expect(primary.pendingRequestCount).toBe(0);
    expect(primary.closed).toBe(true);
    expect(worker.closed).toBe(true);
    expect(closed).toHaveBeenCalledOnce();
    expect((await rejection(primary.request('wait'))).code).toBe('SHOAL_ERR_CHANNEL_CLOSED');
    expect(primary.sendLoad({ connections: 0, requests: 0 })).toBe(false);
    expect(primary.start()).toBe(false);
  });

  it('close() rejects open requests, emits close once and stops listening', async () => {
    const { primary, worker, workerTransport } = connectedPair();
    worker.handle('wait', () => new Promise(() => undefined));
    const request = primary.request('wait');
    const closed = vi.fn();
    const load = vi.fn();
    primary.on('close', closed);
    primary.on('load', load);
    primary.close();
    primary.close();
    const error = await rejection(request);
    expect(error.code).toBe('SHOAL_ERR_CHANNEL_CLOSED');
    expect(error.message).toBe('Shoal extension channel closed: the channel was closed');
    expect(closed).toHaveBeenCalledOnce();
    workerTransport.send(loadMessage({ connections: 1, requests: 0 }));
    await flush();
    expect(load).not.toHaveBeenCalled();
  });

  it('does not answer requests once closed', async () => {
    const { primary, worker, workerTransport } = connectedPair();
    let answer!: (value: unknown) => void;
    worker.handle('slow', () => new Promise((resolve) => (answer = resolve)));
    const request = primary.request('slow', undefined, { timeoutMs: 10_000 });
    request.catch(() => undefined);
    await flush();
    worker.close();
    answer('after close');
    await flush();
    expect(
      workerTransport.sent.filter((message) => (message as { type: string }).type === 'rpc-response'),
    ).toEqual([]);
  });

  it('turns a throwing transport into SHOAL_ERR_TRANSPORT_SEND, never a throw', async () => {
    const failing = {
      send() {
        throw new Error('EPIPE');
      },
      onMessage: () => () => undefined,
      onClose: () => () => undefined,
    };
    const primary = new ExtensionChannel(failing, { role: 'primary' });
    channels.push(primary);
    const errors = protocolErrors(primary);
    expect(primary.start()).toBe(false);
    expect(primary.sendHeartbeat()).toBe(false);
    expect(errors.map((error) => error.code)).toEqual([
      'SHOAL_ERR_TRANSPORT_SEND',
      'SHOAL_ERR_TRANSPORT_SEND',
    ]);
    expect(errors[0]?.cause).toMatchObject({ message: 'EPIPE' });
    const error = await rejection(primary.request('x'));
    expect(error.code).toBe('SHOAL_ERR_TRANSPORT_SEND');
    expect(primary.pendingRequestCount).toBe(0);
  });

  it('refuses a second handler for a method; the unregister function frees it', async () => {
    const { primary, worker } = connectedPair();
    const unregister = worker.handle('m', () => 1);
    expect(() => worker.handle('m', () => 2)).toThrow(
      expect.objectContaining({ code: 'SHOAL_ERR_RPC_DUPLICATE_HANDLER' }),
    );
    await expect(primary.request('m')).resolves.toBe(1);
    unregister();
    worker.handle('m', () => 2);
    await expect(primary.request('m')).resolves.toBe(2);
  });

  it('validates its arguments with Node error codes', async () => {
    const [transport] = createTransportPair();
    expect(() => new ExtensionChannel(transport, { role: 'boss' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(() => new ExtensionChannel(transport, { role: 'worker', features: 'rpc' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(() => new ExtensionChannel(transport, { role: 'worker', requestTimeoutMs: -5 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    const worker = channel(transport, { role: 'worker' });
    expect(() => worker.handle('', () => 1)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(() => worker.handle('m', 'nope' as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    await expect(worker.request('')).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    await expect(worker.request('m', null, { timeoutMs: Number.NaN })).rejects.toMatchObject({
      code: 'ERR_OUT_OF_RANGE',
    });
  });

  it('sends its hello only once', () => {
    const [transport] = createTransportPair();
    const worker = channel(transport, { role: 'worker' });
    expect(worker.start()).toBe(true);
    expect(worker.start()).toBe(true);
    expect(transport.sent).toHaveLength(1);
  });
});
