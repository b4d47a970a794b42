// The worker side of supervision in real processes: a node:cluster primary (fixtures/supervised-primary.mjs)
// speaks the wire contract by hand to a worker running the runtime's preload, over real IPC and sockets.

import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type FixtureEvent, ProcessFixture } from '../../../tools/test-support/index.js';

const primaryScript = fileURLToPath(new URL('./fixtures/supervised-primary.mjs', import.meta.url));

/** The Node running the tests, then any in SHOAL_EXTRA_NODES (`scripts/install-node-versions.sh` prints them). */
const nodes = [
  process.execPath,
  ...(process.env.SHOAL_EXTRA_NODES ?? '').split(':').filter((entry) => entry !== ''),
];

/** The app's own message `app` (sent with process.send), as the primary relayed it. */
function appEvent(fixture: ProcessFixture, app: string): Promise<Record<string, unknown>> {
  return fixture
    .waitFor((event) => event.event === 'app' && (event.message as { app?: string }).app === app, 15_000, app)
    .then((event) => event.message as Record<string, unknown>);
}

let nextRequestId = 0;
async function rpc(fixture: ProcessFixture, method: string, params?: unknown): Promise<FixtureEvent> {
  const id = ++nextRequestId;
  const answer = fixture.waitFor(
    (event) => (event.event === 'rpc-result' || event.event === 'rpc-error') && event.id === id,
    15_000,
    `answer to ${method}`,
  );
  fixture.send({ cmd: 'request', id, method, params });
  return answer;
}

/** Whether `pid` is gone: no such process, or a zombie nobody has reaped yet. */
/**
 * The process closes its files a moment before it is a zombie, so right after its pipes close it may still read
 * as alive: wait (bounded) for the state to follow.
 */
async function becomesDead(pid: number, timeoutMs: number): Promise<boolean> {
  const start = Date.now();
  while (!isDead(pid)) {
    if (Date.now() - start > timeoutMs) return false;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return true;
}

function isDead(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/**
 * Resolves when the fixture's stdout closes: the primary and the worker (which inherited it) both hold it,
 * so its end is the event of the last of them dying. Rejects after `timeoutMs`.
 */
function allWritersGone(fixture: ProcessFixture, timeoutMs: number): Promise<number> {
  const started = performance.now();
  const stdout = fixture.child.stdout!;
  if (stdout.readableEnded) return Promise.resolve(0);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`stdout still open after ${timeoutMs} ms`)), timeoutMs);
    stdout.once('end', () => {
      clearTimeout(timer);
      resolve(performance.now() - started);
    });
  });
}

const agents: http.Agent[] = [];
afterEach(() => {
  for (const agent of agents.splice(0)) agent.destroy();
});

function get(
  port: number,
  path: string,
  agent: http.Agent,
): Promise<{ body: string; connection: string | undefined; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path, agent }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () =>
        resolve({ body, connection: response.headers.connection, reused: request.reusedSocket }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}

function connectOutcome(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

for (const node of nodes) {
  const startPrimary = (env: Record<string, string> = {}): ProcessFixture =>
    ProcessFixture.start(primaryScript, { env, node });
  const label = node === process.execPath ? '' : ` (${node})`;

  describe(`worker runtime under a primary${label}`, () => {
    it('sends heartbeats and metrics every SHOAL_HEARTBEAT_MS, and none while the main thread is blocked', async () => {
      const fixture = startPrimary({ FIXTURE_HEARTBEAT_MS: '100' });
      const hello = await fixture.waitForEvent('hello');
      expect(hello.features).toEqual(expect.arrayContaining(['load', 'drain', 'heartbeat', 'metrics']));
      expect(hello.features).not.toContain('watchdog');
      await appEvent(fixture, 'listening');
      const beats = await fixture.waitForCount('heartbeat', 6);
      const gaps = beats
        .slice(1)
        .map((beat, i) => (beat.timestamp as number) - (beats[i]!.timestamp as number));
      const sorted = [...gaps].sort((a, b) => a - b);
      expect(sorted[0]).toBeGreaterThanOrEqual(90);
      expect(sorted[Math.floor(sorted.length / 2)]).toBeLessThan(200);
      const metrics = (await fixture.waitForCount('metrics', 6)).map(
        (event) => event.metrics as Record<string, number>,
      );
      for (const sample of metrics) {
        expect(Object.keys(sample).sort()).toEqual([
          'eventLoopDelayMs',
          'eventLoopUtilization',
          'external',
          'heapTotal',
          'heapUsed',
          'requestsTotal',
          'rss',
          'uptimeMs',
        ]);
        for (const value of Object.values(sample)) expect(Number.isFinite(value)).toBe(true);
        expect(sample.rss).toBeGreaterThan(sample.heapUsed!);
        expect(sample.eventLoopUtilization).toBeGreaterThanOrEqual(0);
        expect(sample.eventLoopUtilization).toBeLessThanOrEqual(1);
        // An idle loop: well under one 10 ms sampling step of delay.
        expect(sample.eventLoopDelayMs).toBeLessThan(50);
      }
      expect(metrics.at(-1)!.uptimeMs).toBeGreaterThan(metrics[0]!.uptimeMs!);

      const unblocked = appEvent(fixture, 'unblocked');
      fixture.send({ cmd: 'app', message: { cmd: 'block', ms: 600 } });
      await unblocked;
      const afterBlock = fixture.events.length;
      await fixture.waitFor(
        (event) => event.event === 'metrics' && fixture.events.indexOf(event) >= afterBlock,
        5_000,
        'metrics after the block',
      );
      const index = fixture.events.findIndex(
        (event) => event.event === 'app' && (event.message as { app?: string }).app === 'unblocked',
      );
      const before = fixture.events
        .slice(0, index)
        .filter((event) => event.event === 'heartbeat')
        .at(-1)!;
      const after = fixture.events.slice(index).find((event) => event.event === 'heartbeat')!;
      // No heartbeat left the blocked thread; the first one after it reports the stall as loop delay.
      expect((after.timestamp as number) - (before.timestamp as number)).toBeGreaterThanOrEqual(590);
      const stalled = fixture.events.slice(index).find((event) => event.event === 'metrics')!;
      expect((stalled.metrics as { eventLoopDelayMs: number }).eventLoopDelayMs).toBeGreaterThan(400);
      expect((stalled.metrics as { eventLoopUtilization: number }).eventLoopUtilization).toBeGreaterThan(0.5);
    });

    it('without SHOAL_HEARTBEAT_MS announces no heartbeat; ready() sends ready through the one runtime', async () => {
      const fixture = startPrimary();
      const hello = await fixture.waitForEvent('hello');
      expect(hello.features).toEqual(['load', 'drain']);
      const listening = await appEvent(fixture, 'listening');
      // The preload hid itself; the app sees only the flags it was started with.
      expect(listening.execArgv).toEqual([]);
      const called = appEvent(fixture, 'ready-called');
      fixture.send({ cmd: 'app', message: { cmd: 'ready' } });
      await fixture.waitForEvent('ready');
      expect((await called).sent).toBe(true);
      // The app's import of @shoal/worker found the preload's runtime: one hello, never a second channel.
      expect(fixture.named('hello')).toHaveLength(1);
      expect(fixture.named('heartbeat')).toEqual([]);
    });

    it('answers shoal.ping and application RPC both ways', async () => {
      const fixture = startPrimary();
      const hello = await fixture.waitForEvent('hello');
      await appEvent(fixture, 'listening');
      const ping = await rpc(fixture, 'shoal.ping');
      expect(ping.result).toEqual({ pid: hello.pid, uptimeMs: expect.any(Number) });
      expect(await rpc(fixture, 'app.add', { a: 2, b: 40 })).toMatchObject({
        event: 'rpc-result',
        result: 42,
      });
      const answer = appEvent(fixture, 'answer');
      fixture.send({ cmd: 'app', message: { cmd: 'ask', said: 'hi' } });
      expect((await answer).answer).toEqual({ echoed: { said: 'hi' } });
      const bad = await rpc(fixture, 'shoal.drain', { timeoutMs: -1 });
      expect(bad).toMatchObject({ event: 'rpc-error', code: 'SHOAL_ERR_RPC_REMOTE' });
    });

    it('shoal.drain: Connection: close on the next response of each keep-alive connection, stops accepting, in-flight work finishes', async () => {
      const fixture = startPrimary();
      await fixture.waitForEvent('hello');
      const { port } = (await appEvent(fixture, 'listening')) as { port: number };
      const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
      agents.push(agent);
      const errors: Error[] = [];
      agent.on('free', (socket: net.Socket) => {
        if (socket.listenerCount('error') === 0) socket.on('error', (error) => errors.push(error));
      });
      // Three connections: the slow request holds one, two go idle (keep-alive) in the agent's pool.
      const slowStarted = appEvent(fixture, 'slow-started');
      const slow = get(port, '/slow', agent);
      const warm = await Promise.all([get(port, '/a', agent), get(port, '/b', agent)]);
      expect(warm.map((reply) => reply.connection)).toEqual(['keep-alive', 'keep-alive']);
      await slowStarted;
      expect(Object.values(agent.freeSockets).flat()).toHaveLength(2);

      const id = ++nextRequestId;
      const drained = fixture.waitFor(
        (event) => event.event === 'rpc-result' && event.id === id,
        15_000,
        'drain',
      );
      fixture.send({ cmd: 'request', id, method: 'shoal.drain', params: { timeoutMs: 10_000 } });
      // The worker reads its IPC in order: once ping is answered, the drain has started and the servers
      // have told the primary they stopped listening.
      await rpc(fixture, 'shoal.ping');
      expect(await connectOutcome(port)).toBe('ECONNREFUSED');

      const next = await Promise.all([get(port, '/c', agent), get(port, '/d', agent)]);
      expect(next).toEqual([
        { body: 'ok /c', connection: 'close', reused: true },
        { body: 'ok /d', connection: 'close', reused: true },
      ]);
      expect(fixture.named('rpc-result').filter((event) => event.id === id)).toEqual([]);
      fixture.send({ cmd: 'app', message: { cmd: 'release-slow' } });
      expect(await slow).toEqual({ body: 'slow done', connection: 'close', reused: false });
      expect((await drained).result).toEqual({ connections: 0, requests: 0 });
      expect(errors).toEqual([]);
      expect(Object.values(agent.freeSockets).flat()).toHaveLength(0);
    });

    it('shoal.drain resolves at its timeout with what is still open, and a second call shares it', async () => {
      const fixture = startPrimary();
      await fixture.waitForEvent('hello');
      const { port } = (await appEvent(fixture, 'listening')) as { port: number };
      const agent = new http.Agent({ keepAlive: true });
      agents.push(agent);
      await get(port, '/idle', agent);
      const [first, second] = await Promise.all([
        rpc(fixture, 'shoal.drain', { timeoutMs: 200 }),
        rpc(fixture, 'shoal.drain', { timeoutMs: 60_000 }),
      ]);
      // The idle keep-alive connection is not closed by the drain: the supervisor decides what comes next.
      expect(first.result).toEqual({ connections: 1, requests: 0 });
      expect(second.result).toEqual(first.result);
    });
  });

  describe(`drain closing idle connections${label}`, () => {
    it('shoal.drain with closeIdle closes idle keep-alive connections at once, and the one in use after its answer', async () => {
      const fixture = startPrimary();
      await fixture.waitForEvent('hello');
      const { port } = (await appEvent(fixture, 'listening')) as { port: number };
      const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
      agents.push(agent);
      const slowStarted = appEvent(fixture, 'slow-started');
      const slow = get(port, '/slow', agent);
      await Promise.all([get(port, '/a', agent), get(port, '/b', agent)]);
      await slowStarted;
      const idle = Object.values(agent.freeSockets).flat() as net.Socket[];
      expect(idle).toHaveLength(2);
      const closed = Promise.all(idle.map((socket) => once(socket, 'close')));
      const drained = rpc(fixture, 'shoal.drain', { timeoutMs: 10_000, closeIdle: true });
      // Closed by the server while nothing was on them: no request of the client's is lost.
      await closed;
      fixture.send({ cmd: 'app', message: { cmd: 'release-slow' } });
      expect(await slow).toEqual({ body: 'slow done', connection: 'close', reused: false });
      expect((await drained).result).toEqual({ connections: 0, requests: 0 });
      const bad = await rpc(fixture, 'shoal.drain', { timeoutMs: 1, closeIdle: 'yes' });
      expect(bad).toMatchObject({ event: 'rpc-error', code: 'SHOAL_ERR_RPC_REMOTE' });
    });
  });

  describe(`orphan watchdog${label}`, () => {
    async function spinningWorker(
      env: Record<string, string>,
      trapTerm = false,
    ): Promise<{ fixture: ProcessFixture; pid: number }> {
      const fixture = startPrimary(env);
      await fixture.waitForEvent('hello');
      await appEvent(fixture, 'listening');
      const spinning = appEvent(fixture, 'spinning');
      fixture.send({ cmd: 'app', message: { cmd: 'spin', trapTerm } });
      return { fixture, pid: (await spinning).pid as number };
    }

    it('ends a busy-looping worker within 2 s of its primary dying by SIGKILL', async () => {
      const { fixture, pid } = await spinningWorker({ FIXTURE_WATCHDOG: '1' });
      expect(fixture.named('hello')[0]!.features).toContain('watchdog');
      fixture.child.kill('SIGKILL');
      await fixture.exited;
      const elapsed = await allWritersGone(fixture, 2_000);
      expect(await becomesDead(pid, 1_000)).toBe(true);
      expect(elapsed).toBeLessThan(2_000);
      if (process.env.SHOAL_REPORT_TIMINGS)
        console.info(`worker gone ${elapsed.toFixed(0)} ms after the primary`);
    });

    it('ends it with SIGKILL after the grace when the app handles SIGTERM itself', async () => {
      const { fixture, pid } = await spinningWorker({ FIXTURE_WATCHDOG: '1' }, true);
      fixture.child.kill('SIGKILL');
      await fixture.exited;
      const elapsed = await allWritersGone(fixture, 2_000);
      expect(await becomesDead(pid, 1_000)).toBe(true);
      // Not before SIGTERM's grace (500 ms) was up: the app's handler had its chance.
      expect(elapsed).toBeGreaterThanOrEqual(450);
      if (process.env.SHOAL_REPORT_TIMINGS)
        console.info(`trapping worker gone ${elapsed.toFixed(0)} ms after`);
    });

    it.runIf(node === process.execPath)(
      'without SHOAL_WATCHDOG a busy-looping worker outlives its primary (what the watchdog is for)',
      async () => {
        const { fixture, pid } = await spinningWorker({});
        fixture.child.kill('SIGKILL');
        await fixture.exited;
        // The one bounded wait here: the absence of an exit can only be observed for a while.
        await expect(allWritersGone(fixture, 2_000)).rejects.toThrow(/still open/);
        expect(isDead(pid)).toBe(false);
        // afterEach kills the fixture's process group, this worker included.
      },
    );
  });
}
