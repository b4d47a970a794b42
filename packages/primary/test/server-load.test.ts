// matchServerLoad: a worker's load on one listen key, picked out of its report by the key's address.
import { describe, expect, it } from 'vitest';
import { matchServerLoad } from '../src/server-load.js';

const report = {
  connections: 10,
  requests: 5,
  servers: [
    { address: '::', port: 8000, connections: 3, requests: 1 },
    { address: '127.0.0.1', port: 8001, connections: 4, requests: 2 },
    { path: '/tmp/shoal.sock', connections: 2, requests: 1 },
    { connections: 1, requests: 1 }, // address unknown
  ],
};

describe('matchServerLoad', () => {
  it('matches a TCP server by address and port', () => {
    expect(matchServerLoad(report, { address: '127.0.0.1', port: 8001 })).toMatchObject({
      connections: 4,
      requests: 2,
    });
    expect(matchServerLoad(report, { address: '::', port: 8000 })).toMatchObject({ connections: 3 });
  });

  it('takes :: and 0.0.0.0 as the same every-interface address', () => {
    expect(matchServerLoad(report, { address: '0.0.0.0', port: 8000 })).toMatchObject({ connections: 3 });
    const reportedV4 = {
      connections: 1,
      requests: 0,
      servers: [{ address: '0.0.0.0', port: 9, connections: 1, requests: 0 }],
    };
    expect(matchServerLoad(reportedV4, { address: '::', port: 9 })).toMatchObject({ connections: 1 });
  });

  it('does not match another host on the same port, nor another port', () => {
    expect(matchServerLoad(report, { address: '127.0.0.1', port: 8000 })).toEqual({
      connections: 0,
      requests: 0,
    });
    expect(matchServerLoad(report, { address: '127.0.0.1', port: 9999 })).toEqual({
      connections: 0,
      requests: 0,
    });
  });

  it('matches a pipe by path', () => {
    expect(matchServerLoad(report, { path: '/tmp/shoal.sock' })).toMatchObject({
      connections: 2,
      requests: 1,
    });
    expect(matchServerLoad(report, { path: '/tmp/other.sock' })).toEqual({ connections: 0, requests: 0 });
  });

  it('counts the totals for every key when the report has no breakdown, or the key no address yet', () => {
    const totals = { connections: 7, requests: 3 };
    expect(matchServerLoad(totals, { address: '127.0.0.1', port: 8001 })).toBe(totals);
    expect(matchServerLoad(report, undefined)).toBe(report);
  });

  it('gives zero when a breakdown lacks the key', () => {
    const none = matchServerLoad({ connections: 2, requests: 2, servers: [] }, { address: '::', port: 1 });
    expect(none).toEqual({ connections: 0, requests: 0 });
    expect(Object.isFrozen(none)).toBe(true);
  });
});
