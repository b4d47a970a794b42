// How the primary hands connections out: no connection lost when a worker dies or refuses, and every strategy.
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { greet, greeting, ProcessFixture } from '../../../tools/test-support/index.js';
import { fixture } from './fixture-path.js';

function startServers(env: NodeJS.ProcessEnv): ProcessFixture {
  return ProcessFixture.start(fixture('servers.mjs'), { env: { WORKERS: '2', HOST: '127.0.0.1', ...env } });
}

async function portOf(primary: ProcessFixture, id: number): Promise<number> {
  const event = await primary.waitForEvent('worker:listening', { id });
  return (event.address as { port: number }).port;
}

/**
 * Waits until the primary has processed a load report of worker `id` counting `connections`, printed after the
 * first `from` events. The worker sends its report after its ack of the hand-off, on the same IPC channel, so
 * the report seen by the primary means the ack was processed too: the primary's view includes that connection.
 */
function loadReported(primary: ProcessFixture, id: number, connections: number, from: number) {
  return primary.waitFor(
    (event) =>
      event.event === 'cluster:load' &&
      event.id === id &&
      (event.load as { connections: number }).connections === connections &&
      primary.events.indexOf(event) >= from,
    15_000,
    `worker ${id} reporting ${connections} connections`,
  );
}

describe('connections handed out by the primary', () => {
  it('re-routes a connection in flight to a worker that dies, instead of leaking it', async () => {
    const primary = startServers({ SERVER_KIND: 'net' });
    const port = await portOf(primary, 1);
    await portOf(primary, 2);
    primary.send({ do: 'tell', id: 1, message: 'block' });
    await primary.waitForEvent('worker:blocking', { id: 1 });
    // Worker 1 never answers its next hand-off; round robin still offers it one connection of these.
    let answered = 0;
    let threeAnswered: () => void = () => {};
    const three = new Promise<void>((resolve) => {
      threeAnswered = resolve;
    });
    const lines = Array.from({ length: 4 }, () =>
      greeting({ port }, { timeoutMs: 20_000 }).then((line) => {
        if (++answered === 3) threeAnswered();
        return line;
      }),
    );
    await three;
    primary.send({ do: 'kill', id: 1, signal: 'SIGKILL' });
    expect(await Promise.all(lines)).toEqual(['worker 2', 'worker 2', 'worker 2', 'worker 2']);
  });

  it('lets a worker told to disconnect still serve the hand-off it was sent, and serves it only once', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'shoal-block-'));
    const unblock = path.join(dir, 'go');
    try {
      const primary = startServers({ SERVER_KIND: 'net', CUSTOM_STRATEGY: 'first', TRACE_NEWCONN: '1' });
      const port = await portOf(primary, 1);
      await portOf(primary, 2);
      primary.send({ do: 'tell', id: 1, message: { blockUntil: unblock } });
      await primary.waitForEvent('worker:blocking', { id: 1 });
      const answer = greet({ port });
      await primary.waitForEvent('primary:newconn', { id: 1 });
      primary.send({ do: 'disconnect', id: 1 });
      await primary.waitForEvent('done:disconnect', { id: 1 });
      writeFileSync(unblock, '');
      const { socket, line } = await answer;
      expect(line).toBe('worker 1');
      await once(socket, 'close');
      await primary.waitForEvent('cluster:exit', { id: 1 });
      // The listen socket is still there for worker 2.
      expect(await greeting({ port })).toBe('worker 2');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('survives a worker closing and re-listening while a hand-off to it is unanswered', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'shoal-relisten-'));
    const go = path.join(dir, 'go');
    try {
      const primary = startServers({ SERVER_KIND: 'net', WORKERS: '1', TRACE_NEWCONN: '1' });
      const port = await portOf(primary, 1);
      primary.send({ do: 'tell', id: 1, message: { relistenAfter: go } });
      await primary.waitForEvent('worker:blocking', { id: 1 });
      const pending = greet({ port });
      await primary.waitForEvent('primary:newconn', { id: 1 });
      writeFileSync(go, '');
      await primary.waitForEvent('worker:relistened', { id: 1 });
      // The connection was refused by the closed server; the primary stays up and serves from the new one.
      const { socket } = await pending;
      socket.destroy();
      expect(await greeting({ port })).toBe('worker 1');
      expect(primary.child.exitCode).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('hands a connection refused by a worker at maxConnections to another worker', async () => {
    const primary = startServers({ SERVER_KIND: 'hold', WORKERS: '0' });
    primary.send({ do: 'fork', env: { MAX_CONNECTIONS: '1' } });
    const port = await portOf(primary, 1);
    const first = await greet({ port });
    expect(first.line).toBe('worker 1');
    primary.send({ do: 'fork' });
    await portOf(primary, 2);
    const more = await Promise.all([greet({ port }), greet({ port }), greet({ port })]);
    expect(more.map((greeting) => greeting.line)).toEqual(['worker 2', 'worker 2', 'worker 2']);
    for (const { socket } of [first, ...more]) socket.destroy();
  });

  it('closes a connection every worker refused, rather than leaving it open', async () => {
    const primary = startServers({ SERVER_KIND: 'hold', WORKERS: '0' });
    primary.send({ do: 'fork', env: { MAX_CONNECTIONS: '1' } });
    const port = await portOf(primary, 1);
    const held = await greet({ port });
    expect(held.line).toBe('worker 1');
    const refused = await greet({ port });
    expect(refused.line).toBe('');
    expect(refused.socket.destroyed || refused.socket.readableEnded).toBe(true);
    primary.send({ do: 'tell', id: 1, message: 'release' });
    // The worker's own close of the held socket (it then counts one connection fewer), not the client's.
    await primary.waitForEvent('worker:dropped', { id: 1, count: 0 });
    held.socket.destroy();
    expect(await greeting({ port })).toBe('worker 1');
  });
});

describe('scheduling strategies', () => {
  it('least-connections follows the workers’ load reports', async () => {
    const primary = startServers({ SERVER_KIND: 'hold', NODE_CLUSTER_SCHED_POLICY: 'least-connections' });
    const setup = await primary.waitForEvent('cluster:setup');
    expect(setup.strategy).toBe('least-connections');
    const port = await portOf(primary, 1);
    await portOf(primary, 2);
    const first = [];
    for (let i = 0; i < 4; i++) first.push(await greet({ port }));
    const lines = first.map((greeting) => greeting.line).sort();
    expect(lines).toEqual(['worker 1', 'worker 1', 'worker 2', 'worker 2']);
    const released = primary.events.length;
    primary.send({ do: 'tell', id: 1, message: 'release' });
    await loadReported(primary, 1, 0, released);
    // Worker 1 (no connections) gets the next one. Its greeting can reach us before the primary has read the
    // worker's ack, and while that hand-off is pending the primary offers the worker nothing: wait for the
    // primary to see it counted (1 against worker 2's 2) before the connection that must go to worker 1 too.
    const mark = primary.events.length;
    const fifth = await greet({ port });
    await loadReported(primary, 1, 1, mark);
    const next = [fifth, await greet({ port })];
    expect(next.map((greeting) => greeting.line)).toEqual(['worker 1', 'worker 1']);
    for (const { socket } of [...first, ...next]) socket.destroy();
  });

  it('takes a user strategy object from setupPrimary({ strategy })', async () => {
    const primary = startServers({ SERVER_KIND: 'net', CUSTOM_STRATEGY: 'first' });
    const setup = await primary.waitForEvent('cluster:setup');
    expect(setup.strategy).toBe('lowest-id');
    const port = await portOf(primary, 1);
    await portOf(primary, 2);
    const lines = [];
    for (let i = 0; i < 5; i++) lines.push(await greeting({ port }));
    expect(lines).toEqual(['worker 1', 'worker 1', 'worker 1', 'worker 1', 'worker 1']);
  });

  it('ignores an unknown NODE_CLUSTER_SCHED_POLICY with a warning, as Node ignores it', async () => {
    const primary = startServers({ SERVER_KIND: 'net', NODE_CLUSTER_SCHED_POLICY: 'RR' });
    const setup = await primary.waitForEvent('cluster:setup');
    expect(setup.strategy).toBe('round-robin');
    const port = await portOf(primary, 1);
    await portOf(primary, 2);
    expect(await greeting({ port })).toMatch(/^worker [12]$/);
    expect(primary.output.some((line) => line.includes('SHOAL_WARN_UNKNOWN_SCHED_POLICY'))).toBe(true);
  });

  it.each(['power-of-two', 'weighted-round-robin', 'consistent-hash', 'round-robin', 'rr'])(
    'serves every connection with NODE_CLUSTER_SCHED_POLICY=%s',
    async (name) => {
      const primary = startServers({ SERVER_KIND: 'net', NODE_CLUSTER_SCHED_POLICY: name });
      const setup = await primary.waitForEvent('cluster:setup');
      expect(setup.strategy).toBe(name === 'rr' ? 'round-robin' : name);
      const port = await portOf(primary, 1);
      await portOf(primary, 2);
      for (let i = 0; i < 6; i++) expect(await greeting({ port })).toMatch(/^worker [12]$/);
    },
  );
});
