// Two Shoal "hosts" (shoal run clusters on 127.0.0.2 and 127.0.0.3, two workers each) behind one real HAProxy on
// 127.0.0.1 that checks each host's /readyz: cookie stickiness, rolling reloads under load, a graceful shutdown
// (--shutdown-delay) with zero failed requests and nothing resent, and the PROXY protocol into --route-by proxy.
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
import {
  type ClientsResult,
  clientAddresses,
  type Exchange,
  exchange,
  startClients,
} from './proxy-clients.js';

const app = fileURLToPath(new URL('../src/host-app.js', import.meta.url));

interface Deployment {
  a: ShoalHost;
  b: ShoalHost;
  haproxy: Haproxy;
}

/**
 * How long a host keeps serving after SIGTERM, /readyz already answering 503, before its drain starts. HAProxy
 * must see that 503 first: with `inter 100ms fall 1` its next check starts at most 100 ms after the SIGTERM and
 * one 503 takes the host out, so 100 ms plus the check's own answer (a few ms; tens on a loaded 2-core CI
 * machine) would do. 400 ms is four intervals: room for a late check and for the requests HAProxy sent just
 * before it saw the 503 to be answered, at 0.4 s per shutdown. (In production the same rule: more than
 * `inter × fall` plus a check's time, e.g. `inter 2s fall 2` → 5 s.)
 */
const shutdownDelay = '400ms';

interface DeployOptions {
  /**
   * The PROXY protocol: the hosts run with `--route-by proxy`, backend `hosts` sends `send-proxy-v2` and a second
   * backend, `hosts-v1` (requests for /v1/…), `send-proxy` (v1) to the same hosts.
   */
  proxy?: boolean;
}

/**
 * HAProxy in front of the two hosts, as one would run it in production but quicker: a check every 100 ms, one
 * failed check marks a host DOWN and one good one UP again, idle server connections closed within ~0.5 s.
 *
 * Nothing is resent to the other host (no `option redispatch`; HAProxy's default `retries 3` only retries a
 * refused connection on the same host), so whatever Shoal lets through (a refused connection, a reset, an empty
 * answer) reaches the clients as a failed request: zero failures must come from Shoal's own shutdown sequence.
 */
function haproxyConfig(a: ShoalHost, b: ShoalHost, options: DeployOptions) {
  // `check addr … port …`: the checks go to the metrics port, plain HTTP. With a check port of its own HAProxy
  // sends no PROXY header on checks unless told to (`check-send-proxy`; configuration.txt, "check").
  const server = (host: ShoalHost, extra: string) =>
    `  server ${host.name} ${host.address}:${host.port} ${extra}check addr ${host.address} port ${host.metricsPort}\n`;
  const backend = (name: string, balancing: string, servers: string) => `
backend ${name}
  balance ${balancing}
  option httpchk GET /readyz
  http-check expect status 200
  # A host's drain lasts until HAProxy closes its idle connections to it: half of them every pool-purge-delay
  # (5 s by default); 100 ms keeps a shutdown short.
  default-server inter 100ms fall 1 rise 1 pool-purge-delay 100ms
  # A check may take longer than \`inter\` (then its timeout): a primary busy handing off the load can answer
  # /readyz late, and with \`fall 1\` one late answer would take a healthy host out.
  timeout check 2s
${servers}`;
  const backends = options.proxy
    ? // Each client sticks to a host by its address (`balance source`) and, inside the host, to a worker by the
      // same address, which Shoal reads from the PROXY header.
      backend('hosts', 'source', server(a, 'send-proxy-v2 ') + server(b, 'send-proxy-v2 ')) +
      backend('hosts-v1', 'source', server(a, 'send-proxy ') + server(b, 'send-proxy '))
    : backend(
        'hosts',
        'roundrobin\n  cookie SERVERID insert indirect nocache',
        server(a, 'cookie a ') + server(b, 'cookie b '),
      );
  const routes = options.proxy ? '  use_backend hosts-v1 if { path_beg /v1/ }\n' : '';
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
${routes}  default_backend hosts
${backends}`;
}

async function deploy(options: DeployOptions = {}): Promise<Deployment> {
  const args = ['--shutdown-delay', shutdownDelay, ...(options.proxy ? ['--route-by', 'proxy'] : [])];
  const [a, b] = await Promise.all([
    startHost(app, { name: 'a', address: '127.0.0.2', args }),
    startHost(app, { name: 'b', address: '127.0.0.3', args }),
  ]);
  const haproxy = await startHaproxy(haproxyConfig(a, b, options));
  for (const backend of options.proxy ? ['hosts', 'hosts-v1'] : ['hosts']) {
    await haproxy.waitForServer(backend, 'a', 'UP');
    await haproxy.waitForServer(backend, 'b', 'UP');
  }
  return { a, b, haproxy };
}

interface Answer {
  status: number;
  /** The host's name and the worker's index, from the body (`a 1 client … (pid …)`). */
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

  it('drains a host shut down gracefully: /readyz takes it out, no request fails, the other host takes all', async (context) => {
    requireBinary(context, 'haproxy', haproxyBinary);
    await gracefulShutdown(await deploy());
  });

  it("gives the app each client's address over send-proxy-v2 and send-proxy, routes by it, and reloads with zero failures", async (context) => {
    requireBinary(context, 'haproxy', haproxyBinary);
    const { a, haproxy } = await deploy({ proxy: true });

    // Twelve clients, each through both backends (v2, and v1 for /v1/), on new connections (a new source port
    // each) and on a kept-alive one.
    const addresses = clientAddresses(12);
    const exchanges: Exchange[] = [];
    for (const address of addresses) {
      for (const path of ['/', '/v1/']) {
        const agent = new http.Agent({ keepAlive: true, maxSockets: 1, localAddress: address });
        try {
          for (let i = 0; i < 3; i++) exchanges.push(await exchange(haproxy.port, address, { path }));
          for (let i = 0; i < 3; i++) exchanges.push(await exchange(haproxy.port, address, { path, agent }));
        } finally {
          agent.destroy();
        }
      }
    }
    expectClientsSeen(exchanges);
    // One worker of one host per client, whatever the connection and the PROXY version: HAProxy picks the host
    // by the client's address, Shoal the worker by the address in the PROXY header.
    const placement = workersByClient(exchanges);
    for (const address of addresses) expect([...(placement.get(address) ?? [])], address).toHaveLength(1);
    // The clients spread over both hosts, and over both workers of each.
    const used = new Set([...placement.values()].flatMap((workers) => [...workers]));
    expect([...used].sort()).toEqual(['a 0', 'a 1', 'b 0', 'b 1']);
    // The checks reach /readyz without a PROXY header: not one failed (a header would get a 400 and take the host
    // out).
    for (const backend of ['hosts', 'hosts-v1'])
      for (const name of ['a', 'b'])
        expect(await serverStat(haproxy, name, backend)).toMatchObject({
          status: 'UP',
          check: 'L7OK',
          checkFailures: 0,
        });

    // A rolling reload of host a under load from four client addresses (send-proxy-v2).
    const clients = startClients({ port: haproxy.port, addresses: clientAddresses(4), maxMs: 25_000 });
    let result: ClientsResult;
    try {
      await clients.reached(200);
      const reloaded = await shoal(a, ['reload', '--json']);
      expect(reloaded.code, reloaded.stderr).toBe(0);
      const report = JSON.parse(reloaded.stdout) as { slots: { outcome: string }[] };
      expect(report.slots.map((slot) => slot.outcome)).toEqual(['replaced', 'replaced']);
      await clients.reached(clients.answered + 200);
    } finally {
      result = await clients.stop();
    }
    const summary = `${result.exchanges.length} requests, ${result.failures.length} failed; haproxy:\n${haproxy.process.transcript()}`;
    expect(result.failures, summary).toEqual([]);
    expectClientsSeen(result.exchanges);
    // The reload happened under this load: host a served it from its old workers and from their replacements.
    const onA = result.exchanges.filter((e) => e.host === 'a');
    expect(new Set(onA.map((e) => e.pid)).size, summary).toBeGreaterThanOrEqual(3);
  });
});

/** The app saw every request come from its client's own address and port, not HAProxy's. */
function expectClientsSeen(exchanges: readonly Exchange[]): void {
  const wrong = exchanges.filter((e) => e.seenAddress !== e.client || e.seenPort !== e.clientPort);
  expect(wrong.slice(0, 5)).toEqual([]);
}

/** Per client address, the `host worker` pairs that served it. */
function workersByClient(exchanges: readonly Exchange[]): Map<string, Set<string>> {
  const placement = new Map<string, Set<string>>();
  for (const e of exchanges) {
    const workers = placement.get(e.client) ?? new Set<string>();
    workers.add(`${e.host} ${e.worker}`);
    placement.set(e.client, workers);
  }
  return placement;
}

async function serverStat(haproxy: Haproxy, server: string, backend = 'hosts'): Promise<HaproxyStat> {
  const stat = (await haproxy.stats()).find((line) => line.proxy === backend && line.server === server);
  if (stat === undefined) throw new Error(`no ${backend}/${server} in haproxy's stats`);
  return stat;
}

async function gracefulShutdown({ a, haproxy }: Deployment): Promise<void> {
  const load = startLoad({ port: haproxy.port, keepAliveClients: 4, newConnectionClients: 2, maxMs: 25_000 });
  let during: LoadResult;
  try {
    await load.reached(200);
    a.run.child.kill('SIGTERM');
    const down = await haproxy.waitForServer('hosts', 'a', 'DOWN');
    // L7STS: a check got /readyz's 503 while the host still served (L4CON or SOCKERR would say it had already
    // stopped listening when the check came: the shutdown delay too short).
    expect(down.check).toBe('L7STS');
    expect(await a.run.waitForExit()).toEqual({ code: 0, signal: null });
    expect(a.run.named('shutdown-end')[0]).toMatchObject({ graceful: 2, forced: 0 });
    await load.reached(load.ok + 200);
  } finally {
    during = await load.stop();
  }
  const summary = `${during.ok} requests, ${during.failed} failed; haproxy:\n${haproxy.process.transcript()}`;
  expect(during.errors, summary).toEqual([]);
  expect(during.failed, summary).toBe(0);
  // Nor did HAProxy have to try again: no connection to host a failed, no answer from it was cut short.
  expect(await serverStat(haproxy, 'a'), summary).toMatchObject({
    retries: 0,
    redispatches: 0,
    connectionErrors: 0,
    responseErrors: 0,
  });

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
