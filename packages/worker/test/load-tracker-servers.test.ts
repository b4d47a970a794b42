// LoadTracker's per-server counts: real servers in this process, real sockets on 127.0.0.1 and a pipe.
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerLoad } from '@shoal/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { LoadTracker } from '../src/load-tracker.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/** A tracker, and a way to wait (event by event, never by time) until its counts pass a test. */
function track(): { tracker: LoadTracker; until(test: () => boolean): Promise<void> } {
  const waiters: Array<() => void> = [];
  const tracker = new LoadTracker(() => {
    for (const wake of waiters.splice(0)) wake();
  });
  cleanups.push(() => tracker.stop());
  return {
    tracker,
    async until(test) {
      while (!test()) await new Promise<void>((resolve) => waiters.push(resolve));
    },
  };
}

/** An HTTP server on 127.0.0.1 whose responses wait for `release()`. */
async function heldServer(): Promise<{ server: http.Server; port: number; release(): void }> {
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
  return { server, port: (server.address() as AddressInfo).port, release };
}

function get(port: number, agent: http.Agent): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, agent }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => {
          body += chunk;
        });
        response.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

function keepAliveAgent(): http.Agent {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  cleanups.push(() => agent.destroy());
  return agent;
}

function byPort(servers: ServerLoad[] | undefined, port: number): ServerLoad | undefined {
  return servers?.find((server) => server.port === port);
}

describe('LoadTracker per server', () => {
  it('counts connections and requests separately for two servers in one process', async () => {
    const { tracker, until } = track();
    const a = await heldServer();
    const b = await heldServer();
    const agent = keepAliveAgent();
    const responses = [get(a.port, agent), get(a.port, agent), get(b.port, agent)];
    await until(() => tracker.requests === 3);
    const busy = tracker.snapshot();
    expect(busy).toMatchObject({ connections: 3, requests: 3 });
    expect(busy.servers).toHaveLength(2);
    expect(byPort(busy.servers, a.port)).toStrictEqual({
      address: '127.0.0.1',
      port: a.port,
      connections: 2,
      requests: 2,
    });
    expect(byPort(busy.servers, b.port)).toStrictEqual({
      address: '127.0.0.1',
      port: b.port,
      connections: 1,
      requests: 1,
    });

    // Only a's requests end: b's stays in flight, every keep-alive connection stays open.
    a.release();
    await until(() => tracker.requests === 1);
    const halfway = tracker.snapshot();
    expect(byPort(halfway.servers, a.port)).toMatchObject({ connections: 2, requests: 0 });
    expect(byPort(halfway.servers, b.port)).toMatchObject({ connections: 1, requests: 1 });

    b.release();
    expect(await Promise.all(responses)).toEqual(['done', 'done', 'done']);
    agent.destroy();
    await until(() => tracker.connections === 0 && tracker.requests === 0);
    const idle = tracker.snapshot();
    // Still listening: reported, with zeros.
    expect(byPort(idle.servers, a.port)).toMatchObject({ connections: 0, requests: 0 });
    expect(byPort(idle.servers, b.port)).toMatchObject({ connections: 0, requests: 0 });

    a.server.close();
    await once(a.server, 'close');
    const afterClose = tracker.snapshot();
    expect(afterClose.servers?.map((server) => server.port)).toEqual([b.port]);
  });

  it('keeps a closing server while its connections live, and its counts apart from a new one', async () => {
    const { tracker, until } = track();
    const a = await heldServer();
    const agent = keepAliveAgent();
    const first = get(a.port, agent);
    await until(() => tracker.requests === 1);
    a.server.close(); // stops listening; the connection stays until it ends
    const b = await heldServer();
    const second = get(b.port, agent);
    await until(() => tracker.requests === 2);
    const both = tracker.snapshot();
    expect(byPort(both.servers, a.port)).toMatchObject({ connections: 1, requests: 1 });
    expect(byPort(both.servers, b.port)).toMatchObject({ connections: 1, requests: 1 });
    a.release();
    b.release();
    await Promise.all([first, second]);
    agent.destroy();
    await until(() => tracker.connections === 0);
    expect(tracker.snapshot().servers?.map((server) => server.port)).toEqual([b.port]);
  });

  it('reports a pipe server by its path, and counts plain net connections', async () => {
    const { tracker, until } = track();
    const directory = mkdtempSync(join(tmpdir(), 'shoal-load-'));
    cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
    const path =
      process.platform === 'win32' ? `\\\\.\\pipe\\shoal-load-${process.pid}` : join(directory, 's');
    const server = net.createServer(() => {});
    server.listen(path);
    await once(server, 'listening');
    cleanups.push(() => server.close());
    const client = net.connect(path);
    cleanups.push(() => client.destroy());
    await until(() => tracker.connections === 1);
    expect(tracker.snapshot()).toStrictEqual({
      connections: 1,
      requests: 0,
      servers: [{ path, connections: 1, requests: 0 }],
    });
    client.destroy();
    await until(() => tracker.connections === 0);
    expect(tracker.snapshot().servers).toStrictEqual([{ path, connections: 0, requests: 0 }]);
  });

  it('reports an empty list of servers before the first connection', () => {
    const { tracker } = track();
    expect(tracker.snapshot()).toStrictEqual({ connections: 0, requests: 0, servers: [] });
  });
});
