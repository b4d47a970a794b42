// socketio-cluster.js: Socket.IO long polling on the facade, setupPrimary with strategyOptions.routeBy.
import { describe, expect, it } from 'vitest';
import { runSession } from './socketio-session.js';
import { startExample } from './support.js';

describe('socketio-cluster.js (Socket.IO long polling on @shoal/cluster)', () => {
  it('routes by the io cookie alone: each session on one worker, sessions spread, clean stop', async () => {
    const primary = startExample('socketio-cluster.js', { WORKERS: '3', ROUTE_BY: 'cookie:io' });
    const listening = await primary.waitForCount('worker-listening', 3);
    const port = listening[0]?.port as number;
    const pids = new Set(listening.map((event) => String(event.workerPid)));
    // The client keeps engine.io's `io` cookie (socket.io-client's cookie jar) and sends it with every request.
    const records = await Promise.all(
      Array.from({ length: 4 }, () => runSession({ port, withCredentials: true, messages: 10 })),
    );
    const homes = new Set<string>();
    for (const record of records) {
      expect(record.failure).toBeUndefined();
      expect(record.statuses.every((status) => status === 200)).toBe(true);
      expect(record.echoes).toHaveLength(10);
      const workers = new Set([
        ...record.responders,
        ...record.echoes.map((echo) => String(echo.worker.pid)),
      ]);
      expect(workers.size).toBe(1);
      for (const pid of workers) homes.add(pid);
    }
    for (const pid of homes) expect(pids).toContain(pid);
    expect(homes.size).toBeGreaterThan(1);
    primary.child.kill('SIGTERM');
    await primary.waitForEvent('cluster-disconnected');
    expect(await primary.waitForExit()).toEqual({ code: 0, signal: null });
  });
});
