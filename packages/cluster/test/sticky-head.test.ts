// Routing by what a connection sends first: the primary reads a bounded head, routes by a cookie, query
// parameter or PROXY header, and the worker's server still sees the untouched connection.
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import net from 'node:net';
// ProcessFixture kills every fixture's process group after each test, passed or failed.
import { describe, expect, it } from 'vitest';
import { ProcessFixture } from '../../../tools/test-support/index.js';
import { fixture } from './fixture-path.js';

interface Seen {
  worker: number;
  method: string;
  url: string;
  cookie: string | null;
  remoteAddress: string;
  remotePort: number;
  body: string;
}

async function start(
  env: Record<string, string>,
  workers = 2,
): Promise<{ app: ProcessFixture; port: number }> {
  const app = ProcessFixture.start(fixture('sticky-head.mjs'), { env: { WORKERS: String(workers), ...env } });
  await app.waitForCount('cluster:listening', workers);
  const port = app.named('cluster:listening')[0]?.port as number;
  return { app, port };
}

/** One request on a connection of its own (no agent), with the given headers and body. */
function request(
  port: number,
  options: { path?: string; headers?: Record<string, string>; body?: string; localAddress?: string } = {},
): Promise<Seen> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: options.path ?? '/',
        method: options.body === undefined ? 'GET' : 'POST',
        headers: options.headers,
        agent: false,
        localAddress: options.localAddress,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => resolve(JSON.parse(text) as Seen));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Writes `bytes` on a raw connection (in `pieces`, each after the previous was flushed) and reads the reply. */
function raw(port: number, pieces: (string | Buffer)[], localAddress?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress });
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      text += chunk;
    });
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
    const next = (index: number): void => {
      if (index === pieces.length) return;
      socket.write(pieces[index] as string | Buffer, () => next(index + 1));
    };
    socket.once('connect', () => next(0));
  });
}

/**
 * One kept-alive connection: each `send` writes a request and resolves with the response's body; `sendRaw`
 * resolves with everything received up to `until`; `routed` resolves once a worker has the connection (the
 * primary printed a hand-off after it connected).
 */
function keptAlive(
  port: number,
  app?: ProcessFixture,
): {
  send(request: string): Promise<Seen>;
  sendRaw(request: string, until: string): Promise<string>;
  routed: Promise<unknown>;
  close(): void;
} {
  const socket = net.connect(port, '127.0.0.1');
  let buffer = '';
  let waiting: ((seen: Seen) => void) | undefined;
  let raw: { until: string; resolve(text: string): void } | undefined;
  socket.setEncoding('utf8');
  socket.on('data', (chunk) => {
    buffer += chunk;
    if (raw !== undefined) {
      const at = buffer.lastIndexOf(raw.until);
      if (at !== -1 && buffer.indexOf('{') !== -1 && at > buffer.indexOf('{')) raw.resolve(buffer);
      return;
    }
    const end = buffer.indexOf('\r\n\r\n');
    const length = /content-length: (\d+)/i.exec(buffer.slice(0, end));
    if (end === -1 || !length || buffer.length < end + 4 + Number(length[1])) return;
    const body = buffer.slice(end + 4, end + 4 + Number(length[1]));
    buffer = buffer.slice(end + 4 + Number(length[1]));
    waiting?.(JSON.parse(body) as Seen);
  });
  const handedOut = app?.named('primary:handoff').length ?? 0;
  return {
    send(request: string): Promise<Seen> {
      return new Promise((resolve) => {
        waiting = resolve;
        socket.write(request);
      });
    },
    sendRaw(request: string, until: string): Promise<string> {
      return new Promise((resolve) => {
        buffer = '';
        raw = { until, resolve };
        socket.write(request);
      });
    },
    routed: app === undefined ? Promise.resolve() : app.waitForCount('primary:handoff', handedOut + 1),
    close: () => socket.destroy(),
  };
}

/** Makes worker `target` claim `key`: requests aimed by key until one lands on it, which then claims. */
async function claimOn(port: number, target: number, key: string): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const aim = `aim-${key}-${attempt}`;
    if ((await request(port, { path: `/?sid=${aim}` })).worker !== target) continue;
    expect((await request(port, { path: `/?sid=${aim}&claim=${key}` })).worker).toBe(target);
    return;
  }
  throw new Error(`no key found that lands on worker ${target}`);
}

function bodyOf(reply: string): Seen {
  return JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4)) as Seen;
}

describe('routing by the head of a connection', () => {
  it('keeps every connection of a cookie on one worker, spreads the keys, and the app sees the whole request', async () => {
    const { port } = await start({ ROUTE_BY: '["cookie:sid"]' }, 3);
    const homes = new Map<string, number>();
    for (let round = 0; round < 4; round++) {
      for (let key = 0; key < 12; key++) {
        const sid = `session-${key}`;
        const body = `payload ${key} `.repeat(200); // beyond the head: read by the worker, not the primary
        const seen = await request(port, {
          path: `/items/${key}?round=${round}`,
          headers: { cookie: `theme=dark; sid=${sid}`, 'content-length': String(body.length) },
          body,
        });
        expect(seen).toMatchObject({ method: 'POST', url: `/items/${key}?round=${round}`, body });
        expect(seen.cookie).toBe(`theme=dark; sid=${sid}`);
        if (!homes.has(sid)) homes.set(sid, seen.worker);
        expect(seen.worker).toBe(homes.get(sid));
      }
    }
    expect(new Set(homes.values()).size).toBeGreaterThan(1);
    // Without the cookie a connection is still served (by the least loaded worker).
    expect((await request(port)).url).toBe('/');
  });

  it('sends a key to the worker that claimed it', async () => {
    const { app, port } = await start({ ROUTE_BY: '["query:sid","cookie:sid"]' });
    // Each worker in turn claims the same keys; every later connection with one of them follows the claim.
    for (const target of [1, 2, 1]) {
      let claimedBy: number | undefined;
      // The claim comes from whichever worker serves the claiming request: aim by key until it is `target`.
      for (let attempt = 0; claimedBy !== target && attempt < 50; attempt++) {
        const probe = await request(port, { path: `/?sid=aim-${target}-${attempt}` });
        if (probe.worker === target) {
          const seen = await request(port, { path: `/?sid=aim-${target}-${attempt}&claim=shared-key` });
          claimedBy = seen.worker;
        }
      }
      expect(claimedBy).toBe(target);
      for (let i = 0; i < 5; i++) {
        expect((await request(port, { headers: { cookie: 'sid=shared-key' } })).worker).toBe(target);
        expect((await request(port, { path: '/?sid=shared-key' })).worker).toBe(target);
      }
    }
    expect(app.named('cluster:exit')).toEqual([]);
  });

  it("sends a later request for another worker's key, on a kept-alive connection, to that worker", async () => {
    const { app, port } = await start({ ROUTE_BY: '["query:sid"]' });
    await claimOn(port, 1, 'key-one');
    await claimOn(port, 2, 'key-two');
    // Like a browser's tabs sharing one pool: one connection carries requests of two sessions.
    const connection = keptAlive(port);
    try {
      expect((await connection.send('GET /first?sid=key-one HTTP/1.1\r\nHost: x\r\n\r\n')).worker).toBe(1);
      expect((await connection.send('GET /again?sid=key-one HTTP/1.1\r\nHost: x\r\n\r\n')).worker).toBe(1);
      const body = 'a body the first worker read and sent back with the request';
      const moved = await connection.send(
        `POST /second?sid=key-two HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      );
      expect(moved).toMatchObject({ worker: 2, method: 'POST', url: '/second?sid=key-two', body });
      // The connection lives on at its new worker; a request without a key stays there.
      expect(await connection.send('GET /third HTTP/1.1\r\nHost: x\r\n\r\n')).toMatchObject({
        worker: 2,
        url: '/third',
      });
      expect((await connection.send('GET /back?sid=key-one HTTP/1.1\r\nHost: x\r\n\r\n')).worker).toBe(1);
    } finally {
      connection.close();
    }
    expect(app.named('cluster:exit')).toEqual([]);
  });

  it("sends an upgrade for another worker's key, and a first request routed without its key, to that worker", async () => {
    const { app, port } = await start({ ROUTE_BY: '["query:sid"]', HEAD_TIMEOUT_MS: '100' });
    await claimOn(port, 1, 'key-one');
    await claimOn(port, 2, 'key-two');
    const connection = keptAlive(port);
    try {
      expect((await connection.send('GET /first?sid=key-one HTTP/1.1\r\nHost: x\r\n\r\n')).worker).toBe(1);
      const upgraded = await connection.sendRaw(
        'GET /ws?sid=key-two HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\nafter-head',
        '\n',
      );
      expect(JSON.parse(upgraded.slice(upgraded.indexOf('{')))).toMatchObject({
        worker: 2,
        url: '/ws?sid=key-two',
        head: 'after-head',
      });
    } finally {
      connection.close();
    }
    // Silent past the head limit: routed without a key, then its first request is checked like a later one.
    // Without a key the least loaded worker takes each, in turn: without the check some land on the other one.
    for (const [key, home] of [
      ['key-one', 1],
      ['key-one', 1],
      ['key-one', 1],
      ['key-two', 2],
      ['key-two', 2],
      ['key-two', 2],
    ] as const) {
      const silent = keptAlive(port, app);
      try {
        await silent.routed;
        const seen = await silent.send(`GET /late?sid=${key} HTTP/1.1\r\nHost: x\r\n\r\n`);
        expect(seen).toMatchObject({ worker: home, url: `/late?sid=${key}` });
      } finally {
        silent.close();
      }
    }
  });

  it('strips a PROXY header, shows the app its client, and routes by that client', async () => {
    const { port } = await start({ ROUTE_BY: '["proxy"]' }, 3);
    const homes = new Map<string, number>();
    for (let round = 0; round < 3; round++) {
      for (let client = 1; client <= 8; client++) {
        const address = `203.0.113.${client}`;
        const reply = await raw(port, [
          `PROXY TCP4 ${address} 127.0.0.1 ${40000 + client} 80\r\n`,
          'GET /behind-proxy HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
        ]);
        const seen = bodyOf(reply);
        expect(seen).toMatchObject({
          url: '/behind-proxy',
          remoteAddress: address,
          remotePort: 40000 + client,
        });
        if (!homes.has(address)) homes.set(address, seen.worker);
        expect(seen.worker).toBe(homes.get(address));
      }
    }
    expect(new Set(homes.values()).size).toBeGreaterThan(1);
  });

  it('keeps a connection keyed by its PROXY client on its worker, whatever its requests carry', async () => {
    const { port } = await start({ ROUTE_BY: '["proxy","query:sid"]' });
    await claimOn(port, 1, 'key-one');
    await claimOn(port, 2, 'key-two');
    const connection = keptAlive(port);
    try {
      const first = await connection.send(
        'PROXY TCP4 198.51.100.7 127.0.0.1 5555 80\r\nGET /a?sid=key-one HTTP/1.1\r\nHost: x\r\n\r\n',
      );
      // The PROXY client comes first in routeBy: it is every request's key on this connection.
      for (const key of ['key-two', 'key-one', 'key-two']) {
        const seen = await connection.send(`GET /b?sid=${key} HTTP/1.1\r\nHost: x\r\n\r\n`);
        expect(seen).toMatchObject({ worker: first.worker, remoteAddress: '198.51.100.7' });
      }
    } finally {
      connection.close();
    }
  });

  it('believes a PROXY header only from the proxies it is told of, and closes one from anybody else', async () => {
    const { app, port } = await start({ ROUTE_BY: '["proxy"]', PROXY_FROM: '["127.0.0.2"]' });
    const line = 'PROXY TCP4 198.51.100.9 127.0.0.1 4444 80\r\n';
    const get = 'GET /who HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';
    expect(bodyOf(await raw(port, [line, get], '127.0.0.2'))).toMatchObject({
      remoteAddress: '198.51.100.9',
    });
    // A client claiming to be 198.51.100.9 from an address that is not the proxy's: closed, nothing answered.
    expect(await raw(port, [line + get], '127.0.0.3')).toBe('');
    await app.waitForEvent('primary:closed-unserved', { reason: 'untrusted-proxy-header' });
    // Without a header anybody is served, as itself.
    expect(bodyOf(await raw(port, [get], '127.0.0.3'))).toMatchObject({
      url: '/who',
      remoteAddress: '127.0.0.3',
    });
  });

  it('routes a slow, silent or oversized head by the fallback instead of holding it', async () => {
    const { app, port } = await start({
      ROUTE_BY: '["cookie:sid"]',
      HEAD_TIMEOUT_MS: '150',
      MAX_HEAD_BYTES: '512',
    });
    // Silent: handed out after the time limit with nothing read; the request sent afterwards is served.
    const handedOut = app.named('primary:handoff').length;
    const silent = net.connect(port, '127.0.0.1');
    await app.waitForCount('primary:handoff', handedOut + 1);
    const answered = new Promise<string>((resolve) => {
      let text = '';
      silent.setEncoding('utf8');
      silent.on('data', (chunk) => {
        text += chunk;
      });
      silent.on('end', () => resolve(text));
    });
    silent.write('GET /late HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(bodyOf(await answered).url).toBe('/late');
    // Oversized: a header far beyond the byte limit, the cookie after it; the request is still whole.
    const big = 'x'.repeat(4000);
    const reply = await raw(port, [
      `GET /big HTTP/1.1\r\nHost: x\r\nX-Filler: ${big}\r\nCookie: sid=after-limit\r\nConnection: close\r\n\r\n`,
    ]);
    expect(bodyOf(reply)).toMatchObject({ url: '/big', cookie: 'sid=after-limit' });
    // Slow: the head arrives in pieces, each written after the previous one was flushed.
    const slow = await raw(port, [
      'GET /sl',
      'ow HTTP/1.1\r\nHost: x\r\n',
      'Cookie: sid=slow\r\nConnection: close\r\n\r\n',
    ]);
    expect(bodyOf(slow)).toMatchObject({ url: '/slow', cookie: 'sid=slow' });
  });

  it('serves pipelined requests whose bytes straddle what the primary read', async () => {
    const { port } = await start({ ROUTE_BY: '["cookie:sid"]' });
    const one = 'GET /one HTTP/1.1\r\nHost: x\r\nCookie: sid=p\r\n\r\n';
    const two = 'GET /two HTTP/1.1\r\nHost: x\r\nCookie: sid=p\r\nConnection: close\r\n\r\n';
    // The first head and half of the second in one write; the rest later.
    const reply = await raw(port, [one + two.slice(0, 20), two.slice(20)]);
    const bodies = reply.split('HTTP/1.1 200 OK').slice(1);
    expect(bodies).toHaveLength(2);
    expect(bodies.map((part) => bodyOf(`x${part}`).url)).toEqual(['/one', '/two']);
  });

  it('hands TLS and HTTP/2 connections over with their first bytes (not HTTP/1: the fallback routes them)', async () => {
    {
      const key = fixture('test-key.pem');
      const cert = fixture('test-cert.pem');
      const tls = await start({
        ROUTE_BY: '["cookie:sid"]',
        SERVER_KIND: 'https',
        TLS_KEY: key,
        TLS_CERT: cert,
      });
      const workers = new Set<number>();
      for (let i = 0; i < 6; i++) {
        const seen = await new Promise<Seen>((resolve, reject) => {
          https
            .get(
              {
                host: '127.0.0.1',
                port: tls.port,
                path: `/tls/${i}`,
                rejectUnauthorized: false,
                agent: false,
              },
              (res) => {
                let text = '';
                res.on('data', (chunk) => {
                  text += chunk;
                });
                res.on('end', () => resolve(JSON.parse(text) as Seen));
              },
            )
            .on('error', reject);
        });
        expect(seen.url).toBe(`/tls/${i}`);
        workers.add(seen.worker);
      }
      expect(workers.size).toBe(2);
      const h2 = await start({ ROUTE_BY: '["cookie:sid"]', SERVER_KIND: 'h2c' });
      const session = http2.connect(`http://127.0.0.1:${h2.port}`);
      const paths = await Promise.all(
        ['/a', '/b', '/c'].map(
          (streamPath) =>
            new Promise<string>((resolve, reject) => {
              const stream = session.request({ ':path': streamPath });
              let text = '';
              stream.setEncoding('utf8');
              stream.on('data', (chunk) => {
                text += chunk;
              });
              stream.on('end', () => resolve((JSON.parse(text) as { url: string }).url));
              stream.on('error', reject);
            }),
        ),
      );
      session.close();
      expect(paths).toEqual(['/a', '/b', '/c']);
    }
  });

  it('survives a client that resets while its head is being read', async () => {
    const { app, port } = await start({ ROUTE_BY: '["cookie:sid"]', HEAD_TIMEOUT_MS: '5000' });
    for (let i = 0; i < 5; i++) {
      const socket = net.connect(port, '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write('GET / HTTP/1.1\r\nHost: x\r\n');
      socket.resetAndDestroy();
    }
    expect((await request(port, { headers: { cookie: 'sid=after-resets' } })).cookie).toBe(
      'sid=after-resets',
    );
    expect(app.named('cluster:exit')).toEqual([]);
  });
});
