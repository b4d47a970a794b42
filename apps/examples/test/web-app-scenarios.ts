// The scenarios the Express and Fastify examples share (same routes, same two ways to run): the unmodified app
// under `shoal run` with a reload under load, and the same app forked by a primary on the facade.
import { describe, expect, it } from 'vitest';
import { startLoad } from '../../../tools/test-support/index.js';
import { checkRoutes, workersAnswering } from './http-json.js';
import { byPid, startShoalRun } from './shoal-run.js';
import { exampleScript, expectCleanExit, startExample } from './support.js';

export function describeWebApp(framework: string, appFile: string, clusterFile: string): void {
  describe(framework, () => {
    it('under shoal run: every worker answers, `shoal reload` under load fails no request, SIGTERM exits 0', async () => {
      const { run, port, pids, control } = await startShoalRun(exampleScript(appFile));
      const before = pids();
      expect([...before.keys()].sort()).toEqual([0, 1]);
      // Each worker names its own index (NODE_APP_INSTANCE) and pid.
      expect(await workersAnswering(port, before.values())).toEqual(byPid(before));
      await checkRoutes(port, new Set(before.values()));

      const load = startLoad({ port, keepAliveClients: 2, newConnectionClients: 1, maxMs: 20_000 });
      await load.reached(100);
      const reload = await control('reload');
      await load.reached(load.ok + 100);
      const result = await load.stop();
      expect(reload, run.output.join('\n')).toMatchObject({ code: 0 });
      expect(reload.output.join('\n')).toMatch(/reload done in \d+ ms: 2 of 2 workers replaced/);
      expect(result.failed, result.errors.join('\n')).toBe(0);

      // Both indices run new processes now, and those answer.
      const after = pids();
      for (const [index, pid] of after) expect(pid).not.toBe(before.get(index));
      expect(await workersAnswering(port, after.values())).toEqual(byPid(after));

      run.child.kill('SIGTERM');
      expect(await run.waitForExit()).toEqual({ code: 0, signal: null });
      expect(run.output).toContain(`[0] listening on http://127.0.0.1:${port}`);
    });

    it('on the facade: a primary forks the app into two workers that share the port, and stops them on SIGTERM', async () => {
      const app = startExample(clusterFile, { WORKERS: '2' });
      const listening = await app.waitForCount('listening', 2);
      const port = listening[0]!.port as number;
      expect(listening[1]!.port).toBe(port);
      const pids = new Set(listening.map((event) => event.workerPid as number));
      expect(pids.size).toBe(2);
      expect(await workersAnswering(port, pids)).toEqual(new Map([...pids].map((pid) => [pid, null])));
      await checkRoutes(port, pids);

      app.child.kill('SIGTERM');
      await expectCleanExit(app);
      expect(app.named('worker-exit').map((event) => event.code)).toEqual([0, 0]);
    });
  });
}
