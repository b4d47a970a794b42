import { describe, expect, it } from 'vitest';
import {
  isClusterMessage,
  isPrimaryMessage,
  isShoalMessage,
  isWorkerMessage,
  NODE_CLUSTER_CMD,
  type ParseResult,
  ProtocolError,
  parsePrimaryMessage,
  parseWorkerMessage,
} from '../src/index.js';

const cmd = NODE_CLUSTER_CMD;

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

// Shapes as recorded from Node 20.20 and 22.23 (see record-node-cluster.test.ts for the live check).
const workerExamples: Record<string, Record<string, unknown>> = {
  online: { cmd, act: 'online', seq: 0 },
  'queryServer, TCP with host (20 and 22)': {
    cmd,
    act: 'queryServer',
    index: 0,
    data: null,
    address: '127.0.0.1',
    port: 0,
    addressType: 4,
    flags: 0,
    backlog: 0,
    seq: 1,
  },
  'queryServer, TCP without host (Node 20: no flags)': {
    cmd,
    act: 'queryServer',
    index: 0,
    data: null,
    address: null,
    port: 0,
    addressType: 4,
    backlog: 0,
    seq: 1,
  },
  'queryServer, TCP without host (Node 22+: flags)': {
    cmd,
    act: 'queryServer',
    index: 0,
    data: null,
    address: null,
    port: 0,
    addressType: 4,
    flags: 0,
    backlog: 0,
    seq: 1,
  },
  'queryServer, advanced serialization keeps undefined fields': {
    cmd,
    act: 'queryServer',
    index: 0,
    data: null,
    address: null,
    port: 8000,
    addressType: 4,
    fd: undefined,
    flags: undefined,
    backlog: undefined,
    seq: 1,
  },
  'queryServer, listen({ fd })': {
    cmd,
    act: 'queryServer',
    index: 0,
    data: null,
    address: null,
    port: null,
    addressType: null,
    fd: 3,
    backlog: 511,
    seq: 1,
  },
  'queryServer, pipe': {
    cmd,
    act: 'queryServer',
    index: 0,
    data: null,
    address: '/tmp/app.sock',
    port: -1,
    addressType: -1,
    backlog: false,
    readableAll: true,
    writableAll: false,
    seq: 1,
  },
  'queryServer, IPv6 only': {
    cmd,
    act: 'queryServer',
    index: 1,
    data: null,
    address: '::1',
    port: 8443,
    addressType: 6,
    flags: 1,
    backlog: 0,
    seq: 7,
  },
  'queryServer, tls ticket data': {
    cmd,
    act: 'queryServer',
    index: 0,
    data: { ticketKeys: 'ab'.repeat(24) },
    address: '127.0.0.1',
    port: 443,
    addressType: 4,
    flags: 0,
    seq: 1,
  },
  'queryServer, udp4': {
    cmd,
    act: 'queryServer',
    index: 0,
    data: null,
    address: '127.0.0.1',
    port: 0,
    addressType: 'udp4',
    fd: -1,
    flags: 0,
    seq: 1,
  },
  'queryServer, udp6 bind({ fd })': {
    cmd,
    act: 'queryServer',
    index: 0,
    data: null,
    address: null,
    port: null,
    addressType: 'udp6',
    fd: 5,
    flags: null,
    seq: 1,
  },
  listening: {
    cmd,
    act: 'listening',
    index: 0,
    data: null,
    address: '127.0.0.1',
    port: 41379,
    addressType: 4,
    flags: 0,
    backlog: 0,
    seq: 2,
  },
  close: { cmd, act: 'close', key: '127.0.0.1:0:4:undefined:0', seq: 4 },
  exitedAfterDisconnect: { cmd, act: 'exitedAfterDisconnect', seq: 5 },
  'newconn reply': { cmd, ack: 1, accepted: true, seq: 3 },
  'newconn reply, refused': { cmd, ack: 9, accepted: false, seq: 12 },
};

const primaryExamples: Record<string, Record<string, unknown>> = {
  'queryServer reply, round robin': {
    cmd,
    errno: null,
    key: '127.0.0.1:0:4:undefined:0',
    ack: 1,
    data: null,
    sockname: { address: '127.0.0.1', family: 'IPv4', port: 41379 },
    seq: 0,
  },
  'queryServer reply, round robin pipe': {
    cmd,
    errno: null,
    key: '/tmp/a.sock:-1:-1:undefined:0',
    ack: 1,
    data: null,
    seq: 0,
  },
  'queryServer reply, shared': { cmd, errno: 0, key: 'null:0:4:undefined:0', ack: 1, data: null, seq: 0 },
  'queryServer reply, Node 22 key without index': {
    cmd,
    errno: 0,
    key: '127.0.0.1:8000:4:undefined',
    ack: 1,
    data: null,
    seq: 0,
  },
  'queryServer reply, bind error': {
    cmd,
    errno: -98,
    key: '127.0.0.1:80:4:undefined:0',
    ack: 1,
    data: null,
    seq: 0,
  },
  newconn: { cmd, act: 'newconn', key: '127.0.0.1:0:4:undefined:0', seq: 1 },
  disconnect: { cmd, act: 'disconnect', seq: 2 },
  ack: { cmd, ack: 4, seq: 1 },
};

describe('parseWorkerMessage', () => {
  for (const [name, raw] of Object.entries(workerExamples)) {
    it(`accepts ${name} and returns the same object`, () => {
      expectOk(parseWorkerMessage(raw), raw);
      expect(isWorkerMessage(raw)).toBe(true);
    });
  }

  it('keeps unknown fields, untouched', () => {
    const raw = { cmd, act: 'online', seq: 0, futureField: { a: [1] } };
    const result = parseWorkerMessage(raw);
    expectOk(result, raw);
    expect(raw).toEqual({ cmd, act: 'online', seq: 0, futureField: { a: [1] } });
  });

  it('narrows the union by act', () => {
    const result = parseWorkerMessage(workerExamples['queryServer, udp4']);
    if (!result.ok || result.message.act !== 'queryServer') throw new Error('expected a queryServer');
    const port: number | null | undefined = result.message.port;
    expect(port).toBe(0);
    expect(result.message.addressType).toBe('udp4');
  });

  const malformed: Record<string, unknown> = {
    null: null,
    'a string': 'NODE_CLUSTER',
    'an array': [cmd],
    'no cmd': { act: 'online', seq: 0 },
    'another cmd': { cmd: 'NODE_SHOAL', act: 'online' },
    'a negative seq': { cmd, act: 'online', seq: -1 },
    'a fractional seq': { cmd, act: 'online', seq: 1.5 },
    'a numeric act': { cmd, act: 3 },
    'queryServer without seq': { ...workerExamples['queryServer, udp4'], seq: undefined },
    'queryServer with a string port': { ...workerExamples['queryServer, udp4'], port: '80' },
    'queryServer with a bad addressType': { ...workerExamples['queryServer, udp4'], addressType: 'tcp4' },
    'queryServer with a numeric address': { ...workerExamples['queryServer, udp4'], address: 127 },
    'queryServer with a string fd': { ...workerExamples['queryServer, udp4'], fd: '3' },
    'queryServer with a null fd': { ...workerExamples['queryServer, udp4'], fd: null },
    'queryServer without index': { ...workerExamples['queryServer, udp4'], index: undefined },
    'queryServer with a string flags': { ...workerExamples['queryServer, udp4'], flags: '0' },
    'listening with a NaN port': { ...workerExamples.listening, port: Number.NaN },
    'close without key': { cmd, act: 'close', seq: 1 },
    'exitedAfterDisconnect without seq': { cmd, act: 'exitedAfterDisconnect' },
    'newconn reply without accepted': { cmd, ack: 1, seq: 2 },
    'newconn reply with a string ack': { cmd, ack: '1', accepted: true },
  };
  for (const [name, raw] of Object.entries(malformed)) {
    it(`rejects ${name} as SHOAL_ERR_PROTOCOL_MALFORMED`, () => {
      expectError(parseWorkerMessage(raw), 'SHOAL_ERR_PROTOCOL_MALFORMED');
      expect(isWorkerMessage(raw)).toBe(false);
    });
  }

  it('passes through backlog, readableAll and writableAll of any type, as Node copies them from user options', () => {
    const loose = {
      ...workerExamples['queryServer, pipe'],
      backlog: '128',
      readableAll: 1,
      writableAll: 'yes',
    };
    const parsed = parseWorkerMessage(loose);
    expect(parsed.ok).toBe(true);
    expect(parsed.ok && parsed.message).toBe(loose);
  });

  it('rejects primary-only acts from a worker as SHOAL_ERR_PROTOCOL_UNKNOWN_KIND', () => {
    const error = expectError(
      parseWorkerMessage({ cmd, act: 'newconn', key: 'k', seq: 1 }),
      'SHOAL_ERR_PROTOCOL_UNKNOWN_KIND',
    );
    expect(error.message).toContain('"newconn"');
    expect(error.details).toEqual({ act: 'newconn' });
  });

  it('describes the faulty field', () => {
    const error = expectError(
      parseWorkerMessage({ ...workerExamples['queryServer, udp4'], port: '80' }),
      'SHOAL_ERR_PROTOCOL_MALFORMED',
    );
    expect(error.message).toBe('queryServer: port must be an integer, null or undefined, got "80"');
  });

  it('turns a throwing getter into SHOAL_ERR_PROTOCOL_MALFORMED instead of throwing', () => {
    const raw = {
      cmd,
      get act(): string {
        throw new Error('boom');
      },
    };
    const error = expectError(parseWorkerMessage(raw), 'SHOAL_ERR_PROTOCOL_MALFORMED');
    expect((error.cause as Error).message).toBe('boom');
    expect(isWorkerMessage(raw)).toBe(false);
  });
});

describe('parsePrimaryMessage', () => {
  for (const [name, raw] of Object.entries(primaryExamples)) {
    it(`accepts ${name} and returns the same object`, () => {
      expectOk(parsePrimaryMessage(raw), raw);
      expect(isPrimaryMessage(raw)).toBe(true);
    });
  }

  it('tells a queryServer reply (it has a key) from a bare ack', () => {
    const reply = parsePrimaryMessage(primaryExamples['queryServer reply, shared']);
    const ack = parsePrimaryMessage(primaryExamples.ack);
    expect(reply.ok && 'key' in reply.message && reply.message.key).toBe('null:0:4:undefined:0');
    expect(ack.ok && ack.message.key).toBe(undefined);
  });

  const malformed: Record<string, unknown> = {
    undefined: undefined,
    'a number': 42,
    'no cmd': { act: 'disconnect' },
    'newconn without key': { cmd, act: 'newconn', seq: 1 },
    'newconn without seq': { cmd, act: 'newconn', key: 'k' },
    'a reply without ack': { cmd, errno: 0, key: 'k', data: null, seq: 0 },
    'a reply with a numeric key': { cmd, errno: 0, key: 1, ack: 1, data: null },
    'a reply with a string errno': { cmd, errno: 'EADDRINUSE', key: 'k', ack: 1, data: null },
    'a reply with a missing errno': { cmd, key: 'k', ack: 1, data: null },
    'a reply with a string sockname': {
      ...primaryExamples['queryServer reply, shared'],
      sockname: '127.0.0.1',
    },
    'a reply with a sockname lacking port': {
      ...primaryExamples['queryServer reply, shared'],
      sockname: { address: '127.0.0.1', family: 'IPv4' },
    },
    'a reply with a numeric sockname family': {
      ...primaryExamples['queryServer reply, shared'],
      sockname: { address: '127.0.0.1', family: 4, port: 1 },
    },
    'a reply with a numeric sockname address': {
      ...primaryExamples['queryServer reply, shared'],
      sockname: { address: 1, family: 'IPv4', port: 1 },
    },
  };
  for (const [name, raw] of Object.entries(malformed)) {
    it(`rejects ${name} as SHOAL_ERR_PROTOCOL_MALFORMED`, () => {
      expectError(parsePrimaryMessage(raw), 'SHOAL_ERR_PROTOCOL_MALFORMED');
      expect(isPrimaryMessage(raw)).toBe(false);
    });
  }

  it('rejects worker-only acts from the primary as SHOAL_ERR_PROTOCOL_UNKNOWN_KIND', () => {
    expectError(parsePrimaryMessage({ cmd, act: 'online', seq: 0 }), 'SHOAL_ERR_PROTOCOL_UNKNOWN_KIND');
    expectError(parsePrimaryMessage({ cmd, act: 'queryServer', seq: 0 }), 'SHOAL_ERR_PROTOCOL_UNKNOWN_KIND');
  });
});

describe('isClusterMessage / isShoalMessage', () => {
  it('look at cmd only', () => {
    expect(isClusterMessage({ cmd: 'NODE_CLUSTER' })).toBe(true);
    expect(isClusterMessage({ cmd: 'NODE_SHOAL' })).toBe(false);
    expect(isClusterMessage({ cmd: 'NODE_HANDLE_ACK' })).toBe(false);
    expect(isClusterMessage(null)).toBe(false);
    expect(isClusterMessage('NODE_CLUSTER')).toBe(false);
    expect(isShoalMessage({ cmd: 'NODE_SHOAL' })).toBe(true);
    expect(isShoalMessage({ cmd: 'NODE_CLUSTER' })).toBe(false);
    expect(isShoalMessage(undefined)).toBe(false);
  });
});
