// LoadTracker against a real HTTP server in this process.
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LoadReport } from '@shoal/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { LoadTracker } from '../src/load-tracker.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe('LoadTracker', () => {
  it('counts live connections and in-flight requests from the diagnostics channels', async () => {
    const changes: LoadReport[] = [];
    const waiters: Array<() => void> = [];
    const tracker = new LoadTracker(() => {
      changes.push(tracker.snapshot());
      for (const wake of waiters.splice(0)) wake();
    });
    /** Resolves once the tracker's counts satisfy `test` (checked after every change). */
    const until = async (test: () => boolean): Promise<void> => {
      while (!test()) await new Promise<void>((resolve) => waiters.push(resolve));
    };
    cleanups.push(() => tracker.stop());
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const server = http.createServer(async (_request, response) => {
      await released;
      response.end('done');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    cleanups.push(() => server.close());
    const { port } = server.address() as AddressInfo;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
    cleanups.push(() => agent.destroy());
    const responses = [1, 2].map(
      () =>
        new Promise<string>((resolve, reject) => {
          http
            .get({ host: '127.0.0.1', port, agent }, (response) => {
              let body = '';
              response.on('data', (chunk: Buffer) => {
                body += chunk;
              });
              response.on('end', () => resolve(body));
            })
            .on('error', reject);
        }),
    );
    await until(() => tracker.requests === 2);
    expect(tracker.snapshot()).toEqual({
      connections: 2,
      requests: 2,
      servers: [{ address: '127.0.0.1', port, connections: 2, requests: 2 }],
    });
    release();
    expect(await Promise.all(responses)).toEqual(['done', 'done']);
    // Keep-alive: the requests are over, the connections are still there.
    expect(tracker.requests).toBe(0);
    expect(tracker.connections).toBe(2);
    agent.destroy();
    await until(() => tracker.connections === 0);
    expect(changes.at(-1)).toEqual({
      connections: 0,
      requests: 0,
      servers: [{ address: '127.0.0.1', port, connections: 0, requests: 0 }],
    });
  });
});
