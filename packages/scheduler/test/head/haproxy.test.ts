// The bytes HAProxy itself sends with send-proxy and send-proxy-v2 (and its LOCAL health checks), through a
// real HAProxy to a server of ours: the parser must find the client's 127.0.0.2 and strip exactly the header.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { type AddressInfo, connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHeadReader, parseProxyHeader } from '../../src/index.js';

const haproxy = '/usr/sbin/haproxy';
const available = existsSync(haproxy);
if (!available && !process.env.CI) {
  console.warn(`haproxy.test.ts: skipped, ${haproxy} is not installed (CI installs it and runs this test)`);
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function freePort(): Promise<number> {
  // HAProxy cannot report a port it chose, so take one the kernel just handed out (a small race, on loopback).
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  probe.close();
  await once(probe, 'close');
  return port;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A server that records everything each connection sends, and tells when one matching `test` has closed. */
function captureServer(): { server: Server; waitFor(test: (bytes: Buffer) => boolean): Promise<Buffer> } {
  const waiters: { test(bytes: Buffer): boolean; resolve(bytes: Buffer): void }[] = [];
  const seen: Buffer[] = [];
  const server = createServer((socket) => {
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => {}); // HAProxy resets its health-check connections
    socket.on('end', () => socket.end());
    socket.on('close', () => {
      const bytes = Buffer.concat(chunks);
      seen.push(bytes);
      for (const waiter of waiters.splice(0)) {
        if (waiter.test(bytes)) waiter.resolve(bytes);
        else waiters.push(waiter);
      }
    });
  });
  return {
    server,
    waitFor: (test) =>
      new Promise((resolve) => {
        const found = seen.find(test);
        if (found) resolve(found);
        else waiters.push({ test, resolve });
      }),
  };
}

describe('bytes from HAProxy 2.6', () => {
  it.skipIf(!available && !process.env.CI)(
    'send-proxy and send-proxy-v2 name the client 127.0.0.2; health checks come as LOCAL',
    async () => {
      expect(available, `${haproxy} is missing: CI must install HAProxy (.ci/run does)`).toBe(true);
      const { server, waitFor } = captureServer();
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
      const serverPort = (server.address() as AddressInfo).port;
      const v1Port = await freePort();
      const v2Port = await freePort();

      const dir = await mkdtemp(join(tmpdir(), 'shoal-haproxy-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      const config = join(dir, 'haproxy.cfg');
      const pidFile = join(dir, 'haproxy.pid');
      await writeFile(
        config,
        [
          'global',
          '  maxconn 100',
          'defaults',
          '  mode tcp',
          '  timeout connect 2s',
          '  timeout client 5s',
          '  timeout server 5s',
          'listen v1',
          `  bind 127.0.0.1:${v1Port}`,
          `  server app 127.0.0.1:${serverPort} send-proxy`,
          'listen v2',
          `  bind 127.0.0.1:${v2Port}`,
          `  server app 127.0.0.1:${serverPort} send-proxy-v2 check inter 100 check-send-proxy`,
          '',
        ].join('\n'),
      );
      // -D: the launching process exits once the listeners are bound, which is the readiness signal.
      const launcher = spawn(haproxy, ['-D', '-p', pidFile, '-f', config], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      launcher.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      const [code] = await withTimeout(once(launcher, 'exit'), 2000, 'haproxy to start');
      if (existsSync(pidFile)) {
        const pid = Number((await readFile(pidFile, 'utf8')).trim());
        cleanups.push(() => {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        });
      }
      expect(code, stderr).toBe(0);

      const request = 'GET /?sid=s1 HTTP/1.1\r\nHost: shoal\r\n\r\n';
      for (const port of [v1Port, v2Port]) {
        const client = connect({ host: '127.0.0.1', port, localAddress: '127.0.0.2' });
        client.on('error', () => {});
        cleanups.push(() => {
          client.destroy();
        });
        await withTimeout(once(client, 'connect'), 1000, 'the connection through haproxy');
        client.end(request);
      }
      const startsWith = (prefix: number[]) => (bytes: Buffer) =>
        prefix.every((byte, i) => bytes[i] === byte);
      const signature = [0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a];
      const [v1, v2, check] = await withTimeout(
        Promise.all([
          waitFor((bytes) => bytes.toString('latin1').startsWith('PROXY TCP4 ')),
          waitFor(startsWith([...signature, 0x21])),
          waitFor(startsWith([...signature, 0x20])),
        ]),
        2000,
        'both proxied connections and a health check',
      );

      for (const [bytes, version] of [
        [v1, 1],
        [v2, 2],
      ] as const) {
        const header = parseProxyHeader(bytes);
        expect(header).toMatchObject({
          state: 'complete',
          info: {
            version,
            command: 'proxy',
            family: 'IPv4',
            sourceAddress: '127.0.0.2',
            sourcePort: expect.any(Number),
            destinationAddress: '127.0.0.1',
            destinationPort: version === 1 ? v1Port : v2Port,
          },
        });
        if (header.state !== 'complete') return;
        expect(bytes.subarray(header.length).toString('latin1')).toBe(request);
        const verdict = createHeadReader(['query:sid', 'proxy']).examine(bytes, false);
        expect(verdict).toMatchObject({ done: true, routingKey: 's1', proxyLength: header.length });
        expect(createHeadReader('proxy').examine(bytes, false)).toMatchObject({ routingKey: '127.0.0.2' });
      }
      expect(parseProxyHeader(check)).toEqual({
        state: 'complete',
        length: check.length,
        info: { version: 2, command: 'local', family: 'unknown' },
      });
    },
    5000,
  );
});
