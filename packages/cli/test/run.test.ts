// `shoal run` with real apps: both workers serve, the app's output is prefixed on stdout while Shoal's events are
// JSON on stderr, SIGHUP reloads without a failed request, SIGTERM stops it with 0; a crashing app exits non-zero.
import { describe, expect, it } from 'vitest';
import { get, startLoad } from '../../../tools/test-support/index.js';
import { fixture, freePort, ShoalRun, testEnv } from './support.js';

/** Requests until every index in `indices` answered (round robin alternates, so a few suffice). */
async function servedBy(port: number, indices: string[], limit = 40): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < limit && seen.size < indices.length; i++) {
    const reply = await get(port);
    expect(reply.status).toBe(200);
    seen.add(reply.body.split(' ')[0] as string);
  }
  return seen;
}

describe('shoal run', () => {
  it('runs an unmodified CJS app on 2 workers; SIGHUP reloads under load with no failed request; SIGTERM exits 0', async () => {
    const port = await freePort();
    const run = new ShoalRun(['run', fixture('app.cjs'), '-i', '2'], {
      env: testEnv({ PORT: String(port) }),
    });
    await run.waitForEvent('ready', {}, 20_000);
    expect(await servedBy(port, ['0', '1'])).toEqual(new Set(['0', '1']));

    await run.until(() => run.stdout.length >= 2 || undefined, 5_000, 'two lines of app output');
    expect(run.stdout.sort()).toEqual([
      `[0] cjs app listening on ${port}`,
      `[1] cjs app listening on ${port}`,
    ]);
    expect(run.stderr).toContain('[0] cjs app says hello on stderr');
    expect(
      run
        .named('worker-ready')
        .map((event) => event.index)
        .sort(),
    ).toEqual([0, 1]);
    expect(run.named('start')[0]).toMatchObject({ name: 'app', workers: 2 });

    const load = startLoad({ port, keepAliveClients: 2, newConnectionClients: 1, maxMs: 30_000 });
    await load.reached(100);
    const before = run.events.length;
    run.signal('SIGHUP');
    const end = await run.waitForEvent('reload-end', {}, 20_000, before);
    await load.reached(load.ok + 100);
    const result = await load.stop();
    expect(end.ok).toBe(true);
    expect(result.failed, result.errors.join('\n')).toBe(0);
    expect(result.ok).toBeGreaterThan(200);

    run.signal('SIGTERM');
    expect(await run.waitForExit()).toEqual({ code: 0, signal: null });
    expect(run.named('shutdown-end')).toHaveLength(1);
    // Shoal's own events never reach the app's stdout.
    expect(run.stdout.filter((line) => !/^\[\d+\] /.test(line))).toEqual([]);
  });

  it('shows a crashing app its stderr and exits non-zero', async () => {
    const run = new ShoalRun(['run', fixture('crash.cjs'), '-i', '1'], { env: testEnv() });
    const { code } = await run.waitForExit(20_000);
    expect(code).toBe(1);
    expect(run.stderr).toContain('[0] cannot start: missing DATABASE_URL (worker 0)');
    expect(run.stderr.some((line) => /^shoal: crash\.cjs failed to start/.test(line))).toBe(true);
    expect(run.named('start-failed')).toHaveLength(1);
  });

  it('passes the output raw with --raw', async () => {
    const port = await freePort();
    const run = new ShoalRun(['run', fixture('app.mjs'), '-i', '1', '--raw', '--', 'x', 'y'], {
      env: testEnv({ PORT: String(port) }),
    });
    await run.waitForEvent('ready', {}, 20_000);
    expect((await get(port)).body).toMatch(/^0 \d+ esm x,y\n$/);
    await run.until(() => run.stdout.length >= 1 || undefined, 5_000, 'app output');
    expect(run.stdout).toEqual([`esm app listening on ${port}`]);
  });
});
