// Every way a worker can serve: net, http, https, tls, http2, pipes, UDP, in round-robin and shared modes.
import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { datagram, get, greeting, ProcessFixture, refused } from '../../../tools/test-support/index.js';
import { fixture } from './fixture-path.js';

function startServers(env: NodeJS.ProcessEnv): ProcessFixture {
  return ProcessFixture.start(fixture('servers.mjs'), { env: { WORKERS: '2', ...env } });
}

async function sharedPort(primary: ProcessFixture, workers = 2): Promise<number> {
  const listening = await primary.waitForCount('worker:listening', workers);
  const ports = new Set(listening.map((event) => (event.address as { port: number }).port));
  expect(ports.size).toBe(1);
  return [...ports][0] as number;
}

function httpsGet(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    https
      .get({ host: '127.0.0.1', port, rejectUnauthorized: false, agent: false }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => {
          body += chunk;
        });
        response.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

const scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe.each([
  ['round-robin', 'rr'],
  ['shared handle', 'none'],
])('%s mode', (_mode, policy) => {
  it('shares one port chosen at listen(0) between workers and serves TCP from both', async () => {
    const primary = startServers({
      SERVER_KIND: 'net',
      NODE_CLUSTER_SCHED_POLICY: policy,
      HOST: '127.0.0.1',
    });
    const port = await sharedPort(primary);
    const seen = new Set<string>();
    // The kernel decides in shared mode, so ask until both answered (bounded).
    for (let i = 0; i < 60 && seen.size < 2; i++) seen.add(await greeting({ port }));
    expect(seen).toEqual(new Set(['worker 1', 'worker 2']));
  });

  it('serves https with TLS data shared across workers', async () => {
    const primary = startServers({
      SERVER_KIND: 'https',
      NODE_CLUSTER_SCHED_POLICY: policy,
      HOST: '127.0.0.1',
    });
    const port = await sharedPort(primary);
    for (let i = 0; i < 4; i++) expect(await httpsGet(port)).toMatch(/^worker [12]\n$/);
  });

  it('serves a unix socket path, resolved against the worker cwd', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'shoal-pipe-'));
    scratch.push(dir);
    const primary = startServers({
      SERVER_KIND: 'net',
      NODE_CLUSTER_SCHED_POLICY: policy,
      LISTEN_OPTIONS: JSON.stringify({ path: 'server.sock' }),
      SETTINGS: JSON.stringify({ cwd: dir }),
    });
    const listening = await primary.waitForCount('cluster:listening', 2);
    for (const event of listening) {
      expect(event.address).toMatchObject({ addressType: -1, address: path.join(dir, 'server.sock') });
    }
    expect(await greeting({ path: path.join(dir, 'server.sock') })).toMatch(/^worker [12]$/);
  });
});

describe('servers in workers', () => {
  it('serves tls and http2 (with HTTP/1 fallback) through the primary', async () => {
    const tlsPrimary = startServers({ SERVER_KIND: 'tls', HOST: '127.0.0.1' });
    const tlsPort = await sharedPort(tlsPrimary);
    expect(await greeting({ port: tlsPort }, { tls: true })).toMatch(/^worker [12]$/);
    const h2Primary = startServers({ SERVER_KIND: 'http2', HOST: '127.0.0.1' });
    const h2Port = await sharedPort(h2Primary);
    expect(await httpsGet(h2Port)).toMatch(/^worker [12]\n$/);
  });

  it('reports listening with addressType 6 for an IPv6 host', async () => {
    const primary = startServers({ SERVER_KIND: 'http', HOST: '::1' });
    const port = await sharedPort(primary);
    const listening = await primary.waitForCount('cluster:listening', 2);
    expect(listening[0]?.address).toEqual({ addressType: 6, address: '::1', port });
    expect((await get(port, '/', { host: '::1' })).body).toMatch(/^worker [12]\n$/);
  });

  it('shares one UDP port between workers (udp4) and reports addressType udp4', async () => {
    const primary = startServers({ SERVER_KIND: 'udp4', HOST: '127.0.0.1' });
    const port = await sharedPort(primary);
    const listening = await primary.waitForCount('cluster:listening', 2);
    expect(listening[0]?.address).toMatchObject({ addressType: 'udp4', address: '127.0.0.1', port });
    expect(await datagram(port, 'ping')).toMatch(/^worker [12]: ping$/);
  });

  it('shares one UDP port between workers (udp6)', async () => {
    const primary = startServers({ SERVER_KIND: 'udp6', HOST: '::1' });
    const port = await sharedPort(primary);
    const listening = await primary.waitForCount('cluster:listening', 2);
    expect(listening[0]?.address).toMatchObject({ addressType: 'udp6', address: '::1', port });
    expect(await datagram(port, 'ping', 'udp6')).toMatch(/^worker [12]: ping$/);
  });

  it('listens on a file descriptor of the primary with listen({ fd })', async () => {
    const primary = startServers({ SERVER_KIND: 'net', PRIMARY_FD: '1' });
    const { port } = await primary.waitForEvent('primary:fd');
    await primary.waitForCount('cluster:listening', 2);
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) seen.add(await greeting({ port: port as number }));
    expect(seen).toEqual(new Set(['worker 1', 'worker 2']));
  });

  it('gives each worker its own port with exclusive: true', async () => {
    const primary = startServers({
      SERVER_KIND: 'net',
      LISTEN_OPTIONS: JSON.stringify({ port: 0, host: '127.0.0.1', exclusive: true }),
    });
    const listening = await primary.waitForCount('worker:listening', 2);
    const ports = listening.map((event) => (event.address as { port: number }).port);
    expect(new Set(ports).size).toBe(2);
    for (const [index, port] of ports.entries()) {
      const id = listening[index]?.id;
      expect(await greeting({ port })).toBe(`worker ${id}`);
    }
  });

  it('takes listen options Node passes through unvalidated (a string backlog)', async () => {
    const primary = startServers({
      SERVER_KIND: 'net',
      LISTEN_OPTIONS: JSON.stringify({ port: 0, host: '127.0.0.1', backlog: '128' }),
    });
    const port = await sharedPort(primary);
    expect(await greeting({ port })).toMatch(/^worker [12]$/);
  });

  it('reports EADDRINUSE to the worker server as Node does', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      const primary = startServers({
        SERVER_KIND: 'net',
        HOST: '127.0.0.1',
        PORT: String(port),
        WORKERS: '1',
      });
      const error = await primary.waitForEvent('worker:error', { id: 1 });
      expect(error).toMatchObject({
        code: 'EADDRINUSE',
        errno: -98,
        syscall: 'bind',
        address: '127.0.0.1',
        port,
      });
    } finally {
      blocker.close();
    }
  });

  it('stops handing connections to a worker whose server closed, and closes the port when none is left', async () => {
    const primary = startServers({ SERVER_KIND: 'net', HOST: '127.0.0.1' });
    const port = await sharedPort(primary);
    primary.send({ do: 'tell', id: 1, message: 'close' });
    await primary.waitForEvent('worker:closed', { id: 1 });
    for (let i = 0; i < 4; i++) expect(await greeting({ port })).toBe('worker 2');
    primary.send({ do: 'tell', id: 2, message: 'close' });
    await primary.waitForEvent('worker:closed', { id: 2 });
    // The worker's close callback can run before the primary has read its 'close' message; nothing signals
    // that moment, so try connecting (bounded) until the port refuses. A connection accepted meanwhile is
    // closed by the primary when the socket closes.
    let code = '';
    for (let attempt = 0; attempt < 200 && code !== 'ECONNREFUSED'; attempt++) {
      code = await refused({ port }).catch(() => 'accepted');
    }
    expect(code).toBe('ECONNREFUSED');
  });
});
