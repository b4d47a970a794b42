// The primary's seams as a user reaches them through @shoal/cluster: inspect(), the shoal:* diagnostics channels,
// rejected messages reported (an event, or a warning when nobody listens), and strategies given as a class,
// with weights (weightOf) or by listen port (localPort).
import { describe, expect, it } from 'vitest';
import { greeting, type ProcessFixture } from '../../../tools/test-support/index.js';
import { inspect, observed } from './observed.js';

async function listeningPorts(primary: ProcessFixture, count: number): Promise<number[]> {
  const events = await primary.waitForCount('worker:listening', count);
  return events.map((event) => event.port as number);
}

describe('inspection and diagnostics channels', () => {
  it('publishes fork, online, listening, hand-off and settled events, and inspect() counts them per key', async () => {
    const primary = observed({ TRACE_CHANNELS: '1' });
    const [port] = await listeningPorts(primary, 2);
    await primary.waitForCount('channel:listening', 2);
    expect(primary.named('channel:fork').map((event) => event.id)).toEqual([1, 2]);
    expect(primary.named('channel:online')).toHaveLength(2);
    const answers: string[] = [];
    for (let i = 0; i < 6; i++) answers.push(await greeting({ port: port as number }));
    expect(new Set(answers)).toEqual(new Set(['worker 1', 'worker 2']));
    const settled = await primary.waitForCount('channel:settled', 6);
    expect(settled.every((event) => event.accepted === true)).toBe(true);
    expect(primary.named('channel:handoff')).toHaveLength(6);
    const snapshot = await inspect(primary);
    expect(snapshot.strategy).toBe('round-robin');
    expect(snapshot.keys).toHaveLength(1);
    expect(snapshot.keys[0]!).toMatchObject({
      kind: 'round-robin',
      strategy: 'round-robin',
      address: { address: '127.0.0.1', port },
      handedOut: 6,
      accepted: 6,
      refused: 0,
      rerouted: 0,
      closedUnserved: 0,
      queued: 0,
      inFlight: 0,
      sockets: 1,
    });
    expect([...snapshot.keys[0]!.workers].sort()).toEqual([1, 2]);
    expect(snapshot.workers.map((worker) => worker.id)).toEqual([1, 2]);
    expect(snapshot.workers[0]!).toMatchObject({ state: 'listening', connected: true, runtime: false });
    expect(snapshot.workers[0]!.keys).toEqual([snapshot.keys[0]!.key]);
  });

  it('publishes exit and reports a dead worker nowhere', async () => {
    const primary = observed({ TRACE_CHANNELS: '1' });
    await listeningPorts(primary, 2);
    primary.send({ do: 'kill', id: 1 });
    await primary.waitForEvent('channel:exit', { id: 1 });
    const snapshot = await inspect(primary);
    expect(snapshot.workers.map((worker) => worker.id)).toEqual([2]);
    expect(snapshot.keys[0]!.workers).toEqual([2]);
  });
});

describe('messages the primary rejects', () => {
  it('warns once per worker and kind when nobody listens, and keeps serving', async () => {
    const primary = observed({ WORKER_MODE: 'forge', WORKERS: '1', FORGE_REPEAT: '3' });
    const [port] = await listeningPorts(primary, 1);
    expect(await greeting({ port: port as number })).toBe('worker 1');
    const warnings = await primary.waitForCount('primary:warning', 2);
    expect(warnings.every((warning) => warning.code === 'SHOAL_WARN_PROTOCOL_ERROR')).toBe(true);
    expect(warnings.some((warning) => /70000/.test(warning.message as string))).toBe(true);
    expect(warnings.some((warning) => /address/.test(warning.message as string))).toBe(true);
    // Six rejected messages, two kinds: no more warnings than kinds, even after the worker's ordinary traffic.
    await inspect(primary);
    expect(primary.named('primary:warning')).toHaveLength(2);
  });

  it('reports every rejected message to a shoal:protocolError listener and on the diagnostics channel', async () => {
    const primary = observed({
      WORKER_MODE: 'forge',
      WORKERS: '1',
      FORGE_REPEAT: '2',
      LISTEN_PROTOCOL_ERRORS: '1',
      TRACE_CHANNELS: '1',
    });
    await listeningPorts(primary, 1);
    const reported = await primary.waitForCount('cluster:protocolError', 4);
    expect(reported.filter((event) => /70000/.test(event.message as string))).toHaveLength(2);
    expect(primary.named('channel:protocol-error')).toHaveLength(4);
    await inspect(primary);
    expect(primary.named('primary:warning')).toHaveLength(0);
  });
});

describe('strategies from setupPrimary', () => {
  it('constructs a strategy class once per listen key', async () => {
    const primary = observed({ COUNTING_CLASS: '1', PORTS: '0,0' });
    const ports = await listeningPorts(primary, 4);
    // Probed once at setup; that instance serves the first key, the second key gets its own.
    expect(primary.named('strategy:constructed').map((event) => event.count)).toEqual([1, 2]);
    const snapshot = await inspect(primary);
    expect(snapshot.strategy).toBe('counting');
    expect(snapshot.keys).toHaveLength(2);
    for (const port of new Set(ports)) expect(await greeting({ port })).toMatch(/^worker [12]$/);
  });

  it('weights workers with weightOf for weighted-round-robin', async () => {
    const primary = observed({
      SETTINGS: JSON.stringify({ strategy: 'weighted-round-robin' }),
      WEIGHTS: '[3,1]',
      TRACE_CHANNELS: '1',
    });
    const [port] = await listeningPorts(primary, 2);
    const counts: Record<string, number> = {};
    for (let i = 0; i < 40; i++) {
      const line = await greeting({ port: port as number });
      counts[line] = (counts[line] ?? 0) + 1;
      // The client can read the greeting before the primary has the worker's answer to the hand-off; a worker
      // with a hand-off in flight is skipped, so wait for the answer before the next connection.
      await primary.waitForCount('channel:settled', i + 1);
    }
    // One connection at a time: each pick sees both workers idle, so the split is exactly the weights'.
    expect(counts).toEqual({ 'worker 1': 30, 'worker 2': 10 });
  });

  it('tells a strategy the listen port of each connection (localPort)', async () => {
    const net = await import('node:net');
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const first = (taken.address() as { port: number }).port;
    await new Promise<void>((resolve) => taken.close(() => resolve()));
    const primary = observed({ PORT_AFFINITY: String(first), PORTS: `${first},0` });
    const ports = await listeningPorts(primary, 4);
    const second = ports.find((port) => port !== first) as number;
    for (let i = 0; i < 4; i++) {
      expect(await greeting({ port: first })).toBe('worker 1');
      expect(await greeting({ port: second })).toBe('worker 2');
    }
    const picks = primary.named('strategy:pick').map((event) => event.localPort);
    expect(new Set(picks)).toEqual(new Set([first, second]));
  });
});
