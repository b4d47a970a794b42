// A worker's life in the primary: event order, cluster.workers membership, shared port, and requests served.
import { describe, expect, it } from 'vitest';
import { get, ProcessFixture } from '../../../tools/test-support/index.js';
import { fixture } from './fixture-path.js';

function startLifecycle(env: NodeJS.ProcessEnv = {}): ProcessFixture {
  return ProcessFixture.start(fixture('lifecycle.mjs'), { env: { WORKERS: '2', ...env } });
}

function eventsFor(primary: ProcessFixture, id: number): string[] {
  return primary.events
    .filter((event) => event.id === id && event.event.startsWith('cluster:'))
    .map((e) => e.event);
}

describe('worker lifecycle', () => {
  it('forks, brings workers online and listening on one shared port, and serves from every worker', async () => {
    const primary = startLifecycle();
    const serving = await primary.waitForCount('worker:serving', 2);
    const listening = await primary.waitForCount('cluster:listening', 2);
    const ports = new Set(serving.map((event) => event.port));
    expect(ports.size).toBe(1);
    const port = [...ports][0] as number;
    for (const event of listening) {
      expect(event.address).toEqual({ addressType: 4, address: '127.0.0.1', port });
    }
    for (const id of [1, 2]) {
      expect(eventsFor(primary, id).slice(0, 3)).toEqual([
        'cluster:fork',
        'cluster:online',
        'cluster:listening',
      ]);
    }
    const answeredBy = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const reply = await get(port);
      expect(reply.status).toBe(200);
      expect(reply.body).toMatch(/^worker [12]\n$/);
      answeredBy.add(String(reply.headers['x-worker-id']));
    }
    expect(answeredBy).toEqual(new Set(['1', '2']));
  });

  it('removes a disconnected worker from cluster.workers at once, then emits disconnect and exit', async () => {
    const primary = startLifecycle();
    await primary.waitForCount('cluster:listening', 2);
    primary.send({ do: 'disconnect', id: 1 });
    const done = await primary.waitForEvent('done:disconnect', { id: 1 });
    expect(done.workers).toEqual([2]);
    expect(done.exitedAfterDisconnect).toBe(true);
    const exit = await primary.waitForEvent('cluster:exit', { id: 1 });
    expect(exit).toMatchObject({
      code: 0,
      signal: null,
      exitedAfterDisconnect: true,
      dead: true,
      connected: false,
    });
    expect(exit.workers).toEqual([2]);
    const disconnect = await primary.waitForEvent('cluster:disconnect', { id: 1 });
    expect(disconnect.workers).toEqual([2]);
    expect(eventsFor(primary, 1)).toEqual([
      'cluster:fork',
      'cluster:online',
      'cluster:listening',
      'cluster:disconnect',
      'cluster:exit',
    ]);
    const workerEvents = primary.events.filter(
      (e) => e.id === 1 && e.event.startsWith('worker:') && e.event !== 'worker:serving',
    );
    expect(workerEvents.map((e) => e.event)).toEqual([
      'worker:online',
      'worker:listening',
      'worker:disconnect',
      'worker:exit',
    ]);
  });

  it('reports a killed worker: disconnect while still listed, then exit with the signal, removed', async () => {
    const primary = startLifecycle();
    await primary.waitForCount('cluster:listening', 2);
    primary.send({ do: 'kill', id: 2, signal: 'SIGKILL' });
    const exit = await primary.waitForEvent('cluster:exit', { id: 2 });
    expect(exit).toMatchObject({ code: null, signal: 'SIGKILL', exitedAfterDisconnect: false, workers: [1] });
    const disconnect = await primary.waitForEvent('cluster:disconnect', { id: 2 });
    expect(disconnect.workers).toEqual([1, 2]);
    expect(primary.events.indexOf(disconnect)).toBeLessThan(primary.events.indexOf(exit));
  });

  it('lets a worker whose IPC channel closes unexpectedly exit with code 0, not counted as a disconnect', async () => {
    const primary = startLifecycle({ WORKERS: '1' });
    await primary.waitForEvent('cluster:listening', { id: 1 });
    primary.send({ do: 'ipcDisconnect', id: 1 });
    const exit = await primary.waitForEvent('cluster:exit', { id: 1 });
    expect(exit).toMatchObject({ code: 0, signal: null, exitedAfterDisconnect: false, workers: [] });
  });

  it('treats a falsy signal in worker.kill() as SIGTERM', async () => {
    const primary = startLifecycle({ WORKERS: '1' });
    await primary.waitForEvent('cluster:listening', { id: 1 });
    primary.send({ do: 'kill', id: 1, signal: 0 });
    const exit = await primary.waitForEvent('cluster:exit', { id: 1 });
    expect(exit).toMatchObject({ code: null, signal: 'SIGTERM' });
  });

  it('calls back from cluster.disconnect() once every worker is gone, and the primary exits on its own', async () => {
    const primary = startLifecycle();
    await primary.waitForCount('cluster:listening', 2);
    primary.send({ do: 'disconnectAll' });
    const done = await primary.waitForEvent('cluster:disconnected');
    expect(done.workers).toEqual([]);
    const exits = await primary.waitForCount('cluster:exit', 2);
    for (const exit of exits)
      expect(exit).toMatchObject({ exitedAfterDisconnect: true, code: 0, signal: null });
    expect(await primary.waitForExit()).toEqual({ code: 0, signal: null });
  });

  it('passes user messages both ways untouched', async () => {
    const primary = startLifecycle({ WORKERS: '1' });
    await primary.waitForEvent('cluster:listening', { id: 1 });
    const payload = { text: 'héllo', list: [1, 2, 3], nested: { cmd: 'user' } };
    primary.send({ do: 'send', id: 1, message: payload });
    const back = await primary.waitForEvent('cluster:message', { id: 1 });
    expect(back.message).toEqual({ echo: payload });
    const onWorker = await primary.waitForEvent('worker:message', { id: 1 });
    expect(onWorker.message).toEqual({ echo: payload });
  });
});
