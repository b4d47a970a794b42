// cluster-events.js: the cluster events fork, online, listening, disconnect and exit, and cluster.workers.
import { describe, expect, it } from 'vitest';
import { expectCleanExit, only, position, startExample } from './support.js';

describe('cluster-events.js (cluster events: fork, online, listening, disconnect)', () => {
  it("emits each worker's life in order and drops it from cluster.workers before its last event", async () => {
    const app = startExample('cluster-events.js', { WORKERS: '2' });
    await app.waitForCount('exit', 2);
    expect(only(app, 'all-disconnected').remaining).toBe(0);
    await expectCleanExit(app);

    const ports = new Set<unknown>();
    for (const id of [1, 2]) {
      const fork = only(app, 'fork', { id });
      const online = only(app, 'online', { id });
      const listening = only(app, 'listening', { id });
      const disconnect = only(app, 'disconnect', { id });
      const exit = only(app, 'exit', { id });
      expect([fork, online, listening].map((event) => event.listed)).toEqual([true, true, true]);
      expect(position(app, fork)).toBeLessThan(position(app, online));
      expect(position(app, online)).toBeLessThan(position(app, listening));
      expect(position(app, listening)).toBeLessThan(position(app, disconnect));
      expect(exit).toMatchObject({ code: 0, signal: null });
      // Removed from cluster.workers no later than the last of 'disconnect' and 'exit'.
      const last = position(app, disconnect) > position(app, exit) ? disconnect : exit;
      expect(last.listed).toBe(false);

      const address = listening.address as { address: unknown; port: number; addressType: unknown };
      expect(address).toEqual({ addressType: 4, address: null, port: address.port });
      expect(address.port).toBeGreaterThan(0);
      ports.add(address.port);
    }
    expect(ports.size).toBe(1);
  });
});
