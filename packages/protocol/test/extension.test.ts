import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import {
  heartbeatMessage,
  helloMessage,
  isExtensionMessage,
  loadMessage,
  metricsMessage,
  type ParseResult,
  ProtocolError,
  parseExtensionMessage,
  readyMessage,
  rpcErrorMessage,
  rpcRequestMessage,
  rpcResponseMessage,
  SHOAL_CMD,
  SHOAL_PROTOCOL_VERSION,
  toRemoteErrorInfo,
  versionMismatchError,
} from '../src/index.js';

const cmd = SHOAL_CMD;
const v = SHOAL_PROTOCOL_VERSION;

function expectOk<T>(result: ParseResult<T>, raw: unknown): void {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  expect(result.message).toBe(raw);
}

function expectError<T>(result: ParseResult<T>, code: string): ProtocolError {
  if (result.ok) throw new Error(`expected ${code}, got ok`);
  expect(result.error).toBeInstanceOf(ProtocolError);
  expect(result.error.code).toBe(code);
  return result.error;
}

/** A load message whose only server entry is `entry` (well formed or not). */
function loadWith(entry: unknown): unknown {
  return { cmd, v, type: 'load', load: { connections: 0, requests: 0, servers: [entry] } };
}

function serverHole(): unknown[] {
  const servers: unknown[] = [];
  servers[1] = { connections: 0, requests: 0 }; // index 0 is a hole
  return servers;
}

function sparseArray(): unknown[] {
  const array: unknown[] = [1];
  array[2] = 3; // index 1 is a hole: JSON would turn it into null
  return array;
}

describe('builders', () => {
  it('build plain objects with cmd, v and type', () => {
    expect(helloMessage('worker', ['load', 'rpc'], 1234)).toStrictEqual({
      cmd,
      v,
      type: 'hello',
      role: 'worker',
      version: v,
      features: ['load', 'rpc'],
      pid: 1234,
    });
    expect(helloMessage('primary')).toStrictEqual({
      cmd,
      v,
      type: 'hello',
      role: 'primary',
      version: v,
      features: [],
    });
    expect(loadMessage({ connections: 3, requests: 1 })).toStrictEqual({
      cmd,
      v,
      type: 'load',
      load: { connections: 3, requests: 1 },
    });
    expect(readyMessage()).toStrictEqual({ cmd, v, type: 'ready' });
    expect(heartbeatMessage(1700000000000)).toStrictEqual({
      cmd,
      v,
      type: 'heartbeat',
      timestamp: 1700000000000,
    });
    expect(rpcRequestMessage(1, 'stats', { full: true })).toStrictEqual({
      cmd,
      v,
      type: 'rpc-request',
      id: 1,
      method: 'stats',
      params: { full: true },
    });
    expect(rpcResponseMessage(1, [1, 2])).toStrictEqual({
      cmd,
      v,
      type: 'rpc-response',
      id: 1,
      result: [1, 2],
    });
    expect(rpcErrorMessage(1, { message: 'nope', code: 'E_NOPE' })).toStrictEqual({
      cmd,
      v,
      type: 'rpc-error',
      id: 1,
      error: { message: 'nope', code: 'E_NOPE' },
    });
    expect(metricsMessage({ rss: 1024 }, 7)).toStrictEqual({
      cmd,
      v,
      type: 'metrics',
      id: 7,
      metrics: { rss: 1024 },
    });
  });

  it('leave optional fields out instead of setting them to undefined', () => {
    expect(Object.keys(rpcRequestMessage(1, 'ping'))).not.toContain('params');
    expect(Object.keys(rpcResponseMessage(1))).not.toContain('result');
    expect(Object.keys(metricsMessage({}))).not.toContain('id');
    expect(Object.keys(helloMessage('worker'))).not.toContain('pid');
  });

  it('heartbeatMessage defaults to now', () => {
    const before = Date.now();
    const { timestamp } = heartbeatMessage();
    expect(timestamp).toBeGreaterThanOrEqual(before);
    expect(timestamp).toBeLessThanOrEqual(Date.now());
  });

  it('every builder output parses', () => {
    for (const message of [
      helloMessage('worker', ['x'], 1),
      loadMessage({ connections: 0, requests: 0, eventLoopUtilization: 0.25 }),
      readyMessage(),
      heartbeatMessage(),
      rpcRequestMessage(1, 'm'),
      rpcResponseMessage(2),
      rpcErrorMessage(3, toRemoteErrorInfo(new TypeError('bad'))),
      metricsMessage({ a: 1, b: 'x', c: [1, { d: null }] }),
    ]) {
      expectOk(parseExtensionMessage(message), message);
      expect(isExtensionMessage(message)).toBe(true);
    }
  });
});

describe('toRemoteErrorInfo', () => {
  it('keeps message, and code and name when they are strings', () => {
    const error = Object.assign(new RangeError('too big'), { code: 'E_BIG', stack: 'secret' });
    expect(toRemoteErrorInfo(error)).toStrictEqual({ message: 'too big', code: 'E_BIG', name: 'RangeError' });
    expect(toRemoteErrorInfo(Object.assign(new Error('x'), { code: 42 }))).toStrictEqual({
      message: 'x',
      name: 'Error',
    });
  });

  it('copes with non-errors', () => {
    expect(toRemoteErrorInfo('plain')).toStrictEqual({ message: 'plain' });
    expect(toRemoteErrorInfo(undefined)).toStrictEqual({ message: 'undefined' });
    expect(toRemoteErrorInfo(Object.create(null)).message).toEqual(expect.any(String));
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('no');
        },
      },
    );
    expect(toRemoteErrorInfo(hostile).message).toEqual(expect.any(String));
  });
});

describe('parseExtensionMessage', () => {
  it('keeps unknown fields', () => {
    const raw = { ...readyMessage(), appVersion: '1.2.3', seq: 4 };
    expectOk(parseExtensionMessage(raw), raw);
  });

  it('accepts extra numeric load fields', () => {
    const raw = loadMessage({ connections: 1, requests: 2, cpu: 0.5, heapUsed: 123456 });
    expectOk(parseExtensionMessage(raw), raw);
  });

  it('accepts load broken down per server: TCP, pipe, unknown address, none at all', () => {
    const raw = loadMessage({
      connections: 4,
      requests: 1,
      servers: [
        { address: '127.0.0.1', port: 8080, connections: 2, requests: 1 },
        { address: '::', port: 0, connections: 1, requests: 0 },
        { path: '/tmp/app.sock', connections: 1, requests: 0 },
        { connections: 0, requests: 0 },
      ],
    });
    expectOk(parseExtensionMessage(raw), raw);
    const none = loadMessage({ connections: 0, requests: 0, servers: [] });
    expectOk(parseExtensionMessage(none), none);
  });

  it("keeps a server entry's unknown fields, and accepts servers: undefined (advanced serialization)", () => {
    const entry = { address: '10.0.0.1', port: 80, connections: 1, requests: 0, family: 'IPv4', tags: ['a'] };
    const raw = loadMessage({ connections: 1, requests: 0, servers: [entry] });
    const result = parseExtensionMessage(raw);
    expectOk(result, raw);
    expect((raw.load.servers as unknown[])[0]).toBe(entry);
    const undefinedServers = {
      cmd,
      v,
      type: 'load',
      load: { connections: 0, requests: 0, servers: undefined },
    };
    expectOk(parseExtensionMessage(undefinedServers), undefinedServers);
  });

  it('a load message with servers survives both IPC serializations unchanged and still parses', () => {
    const raw = loadMessage({
      connections: 3,
      requests: 2,
      servers: [
        { address: '::1', port: 443, connections: 2, requests: 2, family: 'IPv6' },
        { path: '\\\\.\\pipe\\app', connections: 1, requests: 0 },
      ],
    });
    for (const copy of [JSON.parse(JSON.stringify(raw)), deserialize(serialize(raw))]) {
      expect(copy).toStrictEqual(raw);
      expectOk(parseExtensionMessage(copy), copy);
    }
  });

  it('loadMessage leaves out servers: undefined and passes servers through', () => {
    expect(Object.keys(loadMessage({ connections: 1, requests: 0, servers: undefined }).load)).toEqual([
      'connections',
      'requests',
    ]);
    const servers = [{ port: 1, connections: 1, requests: 0 }];
    expect(loadMessage({ connections: 1, requests: 0, servers }).load.servers).toBe(servers);
  });

  const malformed: Record<string, unknown> = {
    null: null,
    'an array': [],
    'another cmd': { ...readyMessage(), cmd: 'NODE_CLUSTER' },
    'no v': { cmd, type: 'ready' },
    'a string v': { ...readyMessage(), v: '1' },
    'v 0': { ...readyMessage(), v: 0 },
    'a bad seq': { ...readyMessage(), seq: -2 },
    'no type': { cmd, v },
    'a numeric type': { cmd, v, type: 1 },
    'hello with a bad role': { ...helloMessage('worker'), role: 'boss' },
    'hello without version': { ...helloMessage('worker'), version: undefined },
    'hello with features as a string': { ...helloMessage('worker'), features: 'rpc' },
    'hello with a numeric feature': { ...helloMessage('worker'), features: ['rpc', 2] },
    'hello with a string pid': { ...helloMessage('worker'), pid: '12' },
    'load without load': { cmd, v, type: 'load', connections: 1, requests: 1 },
    'load with negative connections': loadMessage({ connections: -1, requests: 0 }),
    'load without requests': { cmd, v, type: 'load', load: { connections: 1 } },
    'load with a string extra': { cmd, v, type: 'load', load: { connections: 1, requests: 0, host: 'a' } },
    'load with an infinite extra': loadMessage({ connections: 1, requests: 0, x: Number.POSITIVE_INFINITY }),
    'load with servers as an object': {
      cmd,
      v,
      type: 'load',
      load: { connections: 0, requests: 0, servers: {} },
    },
    'load with servers as null': {
      cmd,
      v,
      type: 'load',
      load: { connections: 0, requests: 0, servers: null },
    },
    'load with a null server': {
      cmd,
      v,
      type: 'load',
      load: { connections: 0, requests: 0, servers: [null] },
    },
    'load with a server hole': {
      cmd,
      v,
      type: 'load',
      load: { connections: 0, requests: 0, servers: serverHole() },
    },
    'load with a server without counts': loadWith({ port: 80 }),
    'load with a server without requests': loadWith({ port: 80, connections: 1 }),
    'load with negative server connections': loadWith({ port: 80, connections: -1, requests: 0 }),
    'load with fractional server requests': loadWith({ port: 80, connections: 0, requests: 0.5 }),
    'load with NaN server connections': loadWith({ port: 80, connections: Number.NaN, requests: 0 }),
    'load with infinite server requests': loadWith({ connections: 0, requests: Number.POSITIVE_INFINITY }),
    'load with a string server count': loadWith({ connections: '1', requests: 0 }),
    'load with a numeric server address': loadWith({ address: 127, port: 80, connections: 0, requests: 0 }),
    'load with a server port above 65535': loadWith({ port: 65536, connections: 0, requests: 0 }),
    'load with a negative server port': loadWith({ port: -1, connections: 0, requests: 0 }),
    'load with a string server port': loadWith({ port: '80', connections: 0, requests: 0 }),
    'load with a numeric server path': loadWith({ path: 1, connections: 0, requests: 0 }),
    'load with a server extra that is not plain data': loadWith({
      connections: 0,
      requests: 0,
      at: new Date(0),
    }),
    'heartbeat without timestamp': { cmd, v, type: 'heartbeat' },
    'heartbeat with a NaN timestamp': heartbeatMessage(Number.NaN),
    'rpc-request without id': { cmd, v, type: 'rpc-request', method: 'm' },
    'rpc-request with a fractional id': rpcRequestMessage(1.5, 'm'),
    'rpc-request with an empty method': rpcRequestMessage(1, ''),
    'rpc-request with a numeric method': { cmd, v, type: 'rpc-request', id: 1, method: 5 },
    'rpc-response without id': { cmd, v, type: 'rpc-response', result: 1 },
    'rpc-error without error': { cmd, v, type: 'rpc-error', id: 1 },
    'rpc-error with a string error': { cmd, v, type: 'rpc-error', id: 1, error: 'boom' },
    'rpc-error without message': rpcErrorMessage(1, { code: 'X' } as never),
    'rpc-error with a numeric code': rpcErrorMessage(1, { message: 'm', code: 1 } as never),
    'rpc-error with a numeric name': rpcErrorMessage(1, { message: 'm', name: 1 } as never),
    'metrics without metrics': { cmd, v, type: 'metrics' },
    'metrics with a NaN': metricsMessage({ x: Number.NaN }),
    'metrics with undefined': { cmd, v, type: 'metrics', metrics: { x: undefined } },
    'metrics with a bigint': { cmd, v, type: 'metrics', metrics: { x: 1n } },
    'metrics with a Map': { cmd, v, type: 'metrics', metrics: { x: new Map() } },
    'metrics with a Date': { cmd, v, type: 'metrics', metrics: { x: new Date(0) } },
    'metrics with a sparse array': { cmd, v, type: 'metrics', metrics: { x: sparseArray() } },
    'metrics with a bad id': metricsMessage({}, -1),
  };
  for (const [name, raw] of Object.entries(malformed)) {
    it(`rejects ${name} as SHOAL_ERR_PROTOCOL_MALFORMED`, () => {
      expectError(parseExtensionMessage(raw), 'SHOAL_ERR_PROTOCOL_MALFORMED');
      expect(isExtensionMessage(raw)).toBe(false);
    });
  }

  it('rejects an unknown type as SHOAL_ERR_PROTOCOL_UNKNOWN_KIND', () => {
    const error = expectError(
      parseExtensionMessage({ cmd, v, type: 'teleport' }),
      'SHOAL_ERR_PROTOCOL_UNKNOWN_KIND',
    );
    expect(error.details).toEqual({ type: 'teleport' });
  });

  it('rejects metrics nested deeper than 64 levels', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 70; i++) deep = [deep];
    expectError(
      parseExtensionMessage({ cmd, v, type: 'metrics', metrics: { deep } }),
      'SHOAL_ERR_PROTOCOL_MALFORMED',
    );
  });

  it('reports another envelope version before looking at the type', () => {
    const error = expectError(
      parseExtensionMessage({ cmd, v: 2, type: 'from-the-future' }),
      'SHOAL_ERR_PROTOCOL_VERSION_MISMATCH',
    );
    expect(error.message).toBe('peer speaks Shoal protocol 2, this side speaks 1');
    expect(error.details).toEqual({ localVersion: 1, remoteVersion: 2 });
  });

  it('reports a hello announcing another version, naming its role', () => {
    const error = expectError(
      parseExtensionMessage({ ...helloMessage('worker'), version: 3 }),
      'SHOAL_ERR_PROTOCOL_VERSION_MISMATCH',
    );
    expect(error.message).toBe('worker speaks Shoal protocol 3, this side speaks 1');
    expect(error.details).toEqual({ localVersion: 1, remoteVersion: 3, remoteRole: 'worker' });
  });
});

describe('versionMismatchError', () => {
  it('names both sides, primary first, from either side', () => {
    expect(versionMismatchError('primary', 2).message).toBe(
      'primary speaks Shoal protocol 1, worker speaks 2',
    );
    expect(versionMismatchError('worker', 2).message).toBe(
      'primary speaks Shoal protocol 2, worker speaks 1',
    );
    expect(versionMismatchError('worker', 2).code).toBe('SHOAL_ERR_PROTOCOL_VERSION_MISMATCH');
  });
});
