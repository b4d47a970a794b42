// Two Shoal "hosts" (shoal run clusters on 127.0.0.2 and 127.0.0.3, two workers each) behind one real HAProxy on
// 127.0.0.1 that checks each host's /readyz: cookie stickiness, a rolling reload of each host under load, and a
// graceful shutdown of one host, each with zero failed requests through the load balancer.
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  type Haproxy,
  type HaproxyStat,
  haproxyBinary,
  type LoadResult,
  requireBinary,
  startHaproxy,
  startLoad,
} from '../../../tools/test-support/index.js';
import { type ShoalHost, shoal, startHost } from './multi-host.js';

const app = fileURLToPath(new URL('../src/host-app.js', import.meta.url));

interface Deployment {
  a: ShoalHost;
  b: ShoalHost;
  haproxy: Haproxy;
}

interface DeployOptions {
  /** Let HAProxy resend a request the host never answered to the other host (see haproxyConfig). */
  resendUnanswered?: boolean;
}

/**
 * HAProxy in front of the two hosts, as one would run it in production but quicker: a check every 100 ms, one
 * failed check marks a host DOWN and one good one UP again, idle server connections closed within ~0.5 s.
 *
 * By default nothing is resent to the other host (no `option redispatch`; HAProxy's default `retries 3` only
 * retries a refused connection on the same host), so whatever Shoal lets through (a refused connection, a reset,
 * an empty answer) reaches the load as a failed request: zero failures must come from Shoal's own drain.
 */
function haproxyConfig(a: ShoalHost, b: ShoalHost, options: DeployOptions) {
  // Why resending where a test asks for it: `shoal run` has no shutdown delay (the supervisor's `shutdownDelayMs`
  // is 0 and no flag sets it), so at SIGTERM a host stops accepting at once, before HAProxy's next check (≤ 100 ms)
  // can see /readyz's 503: the connections it refuses then, and those in its listen backlog (reset when the socket
  // closes), get no answer. None reached a worker, so resending them to the other host is safe here: one retry,
  // redispatched (\`option redispatch 1\`: on every retry), after a refused connection or one closed before any
  // answer (\`retry-on conn-failure empty-response\`). Remove it once \`shoal run\` can delay its shutdown.
  const resend = options.resendUnanswered
    ? '  option redispatch 1\n  retries 1\n  retry-on conn-failure empty-response\n'
    : '';
  return ({ port }: { port: number }) => `
global
  log stderr format raw local0

defaults
  mode http
  timeout connect 2s
  timeout client 10s
  timeout server 10s
  # Only what went wrong is logged (on HAProxy's stderr, shown when a test fails).
  log global
  option httplog
  option dontlog-normal

frontend web
  bind 127.0.0.1:${port}
  default_backend hosts

backend hosts
  balance roundrobin
  cookie SERVERID insert indirect nocache
  option httpchk GET /readyz
  http-check expect status 200
  # A host's drain lasts until HAProxy closes its idle connections to it: half of them every pool-purge-delay
  # (5 s by default); 100 ms keeps a shutdown short.
  default-server inter 100ms fall 1 rise 1 pool-purge-delay 100ms
  # A check may take longer than \`inter\` (then its timeout): a primary busy handing off the load can answer
  # /readyz late, and with \`fall 1\` one late answer would take a healthy host out.
  timeout check 2s
${resend}  # PROXY-PROTOCOL (to come): once Shoal's primary reads the PROXY header (strategy option routeBy: 'proxy'),
  # each server line below gets \`send-proxy-v2\`, both hosts run with that strategy, and the app sees the
  # client's address instead of HAProxy's. Health checks stay plain HTTP on the metrics port.
  server a ${a.address}:${a.port} check addr ${a.address} port ${a.metricsPort} cookie a
  server b ${b.address}:${b.port} check addr ${b.address} port ${b.metricsPort} cookie b
`;
}

async function deploy(options: DeployOptions = {}): Promise<Deployment> {
  const [a, b] = await Promise.all([
    startHost(app, { name: 'a', address: '127.0.0.2' }),
    startHost(app, { name: 'b', address: '127.0.0.3' }),
  ]);
  const haproxy = await startHaproxy(haproxyConfig(a, b, options));
  await haproxy.waitForServer('hosts', 'a', 'UP');
  await haproxy.waitForServer('hosts', 'b', 'UP');
  return { a, b, haproxy };
}

interface Answer {
  status: number;
  /** The host's name and the worker's index, from the body (`a 1 (pid …)`). */
  host: string;
  worker: string;
  setCookie: string[];
}

function request(port: number, headers: http.OutgoingHttpHeaders = {}, agent?: http.Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: '127.0.0.1', port, path: '/', headers, agent: agent ?? false },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () => {
          const [host = '', worker = ''] = body.split(' ');
          resolve({
            status: response.statusCode ?? 0,
            host,
            worker,
            setCookie: response.headers['set-cookie'] ?? [],
          });
        });
        response.on('error', reject);
      },
    );
    req.setTimeout(5000, () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
  });
}

function byHost(answers: readonly Answer[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { host } of answers) counts[host] = (counts[host] ?? 0) + 1;
  return counts;
}

describe('two shoal hosts behind HAProxy', () => {
  it('keeps a client that sends its SERVERID cookie on one host, and spreads the others over both', async (context) => {
    requireBinary(context, 'haproxy', haproxyBinary);
    const { haproxy } = await deploy();

    // Clients without the cookie: spread by round robin, each told which host served it.
    const fresh: Answer[] = [];
    for (let i = 0; i < 20; i++) fresh.push(await request(haproxy.port));
    expect(fresh.every((answer) => answer.status === 200)).toBe(true);
    expect(byHost(fresh)).toEqual({ a: 10, b: 10 });
    for (const answer of fresh) expect(answer.setCookie).toEqual([`SERVERID=${answer.host}; path=/`]);

    // A client that sends back the cookie it was given stays on that host, over new connections and a kept-alive
    // one alike, while clients without it keep alternating; `indirect`: it is not set again once the client has it.
    for (const host of ['a', 'b']) {
      const given = fresh.find((answer) => answer.host === host)?.setCookie[0] ?? '';
      const cookie = given.split(';')[0] as string;
      const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const sticky: Answer[] = [];
        const others: Answer[] = [];
        for (let i = 0; i < 10; i++) {
          sticky.push(await request(haproxy.port, { cookie }));
          sticky.push(await request(haproxy.port, { cookie }, keepAlive));
          others.push(await request(haproxy.port));
        }
        expect(byHost(sticky)).toEqual({ [host]: 20 });
        expect(sticky.flatMap((answer) => answer.setCookie)).toEqual([]);
        // Both workers of the host served the sticky client: the cookie pins the host, Shoal spreads over workers.
        expect(new Set(sticky.map((answer) => answer.worker))).toEqual(new Set(['0', '1']));
        expect(Object.keys(byHost(others)).sort()).toEqual(['a', 'b']);
      } finally {
        keepAlive.destroy();
      }
    }
  });

  it('reloads each host in turn under load through HAProxy with zero failed requests', async (context) => {
    requireBinary(context, 'haproxy', haproxyBinary);
    const { a, b, haproxy } = await deploy();
    const load = startLoad({
      port: haproxy.port,
      keepAliveClients: 4,
      newConnectionClients: 2,
      maxMs: 25_000,
    });
    let result: LoadResult;
    try {
      await load.reached(200);
      for (const host of [a, b]) {
        const reloaded = await shoal(host, ['reload', '--json']);
        expect(reloaded.code, reloaded.stderr).toBe(0);
        const report = JSON.parse(reloaded.stdout) as { ok: boolean; slots: { outcome: string }[] };
        expect(report.ok).toBe(true);
        expect(report.slots.map((slot) => slot.outcome)).toEqual(['replaced', 'replaced']);
        // Traffic flows on after each reload, through the new workers.
        await load.reached(load.ok + 200);
      }
      // HAProxy never saw either host fail a check: a reload keeps /readyz at 200 (a ready worker is always there).
      for (const name of ['a', 'b']) expect((await serverStat(haproxy, name)).status).toBe('UP');
    } finally {
      result = await load.stop();
    }
    const summary = `${result.ok} requests, ${result.failed} failed; haproxy:\n${haproxy.process.transcript()}`;
    expect(result.errors, summary).toEqual([]);
    expect(result.failed, summary).toBe(0);
    expect(Object.keys(result.byFirstWord).sort()).toEqual(['a', 'b']);
  });

  // What passes today: HAProxy resends what host a refused before its next check (see haproxyConfig).
  it('drains a host shut down gracefully: HAProxy marks it DOWN, no request fails, the other host takes all', async (context) => {
    requireBinary(context, 'haproxy', haproxyBinary);
    await gracefulShutdown(await deploy({ resendUnanswered: true }));
  });

  // The goal: /readyz alone takes the host out, nothing resent by the load balancer. It needs the host to keep
  // serving for longer than one check interval after SIGTERM (the supervisor's shutdownDelayMs), which `shoal run`
  // cannot be told yet: today this fails with a few 503s (connections refused before HAProxy's next check) and
  // 502s (connections reset in the closing listen backlog). SHOAL_TEST_READYZ_ONLY=1 runs it.
  it.skipIf(!process.env.SHOAL_TEST_READYZ_ONLY)(
    'drains a host shut down gracefully with /readyz alone (needs a shutdown delay in shoal run)',
    async (context) => {
      requireBinary(context, 'haproxy', haproxyBinary);
      await gracefulShutdown(await deploy(), { checkSaw503: true });
    },
  );

  it.todo('passes the client address to the app with send-proxy-v2 (strategy option routeBy: proxy)');
});

async function serverStat(haproxy: Haproxy, server: string): Promise<HaproxyStat> {
  const stat = (await haproxy.stats()).find((line) => line.proxy === 'hosts' && line.server === server);
  if (stat === undefined) throw new Error(`no hosts/${server} in haproxy's stats`);
  return stat;
}

async function gracefulShutdown(
  { a, haproxy }: Deployment,
  options: { checkSaw503?: boolean } = {},
): Promise<void> {
  const load = startLoad({ port: haproxy.port, keepAliveClients: 4, newConnectionClients: 2, maxMs: 25_000 });
  let during: LoadResult;
  try {
    await load.reached(200);
    a.run.child.kill('SIGTERM');
    const down = await haproxy.waitForServer('hosts', 'a', 'DOWN');
    // L7STS: a check got /readyz's 503; L4CON or SOCKERR: the host had stopped listening when the check came.
    if (options.checkSaw503) expect(down.check).toBe('L7STS');
    expect(await a.run.waitForExit()).toEqual({ code: 0, signal: null });
    expect(a.run.named('shutdown-end')[0]).toMatchObject({ graceful: 2, forced: 0 });
    await load.reached(load.ok + 200);
  } finally {
    during = await load.stop();
  }
  const summary = `${during.ok} requests, ${during.failed} failed; haproxy:\n${haproxy.process.transcript()}`;
  expect(during.errors, summary).toEqual([]);
  expect(during.failed, summary).toBe(0);

  // Host a is gone: everything goes to b.
  const after = startLoad({
    port: haproxy.port,
    keepAliveClients: 2,
    newConnectionClients: 2,
    maxRequests: 100,
  });
  await after.reached(100);
  const result = await after.stop();
  expect(result.failed).toBe(0);
  expect(result.byFirstWord).toEqual({ b: result.ok });
}
