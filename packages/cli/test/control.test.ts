// The control socket: status/reload/scale/stop from another process, the socket's 0600 mode, a stale socket file
// replaced, several clusters told apart by name; and a config file merged with flags (an ESM app with args).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { get } from '../../../tools/test-support/index.js';
import { fixture, freePort, ShoalRun, shoal, tempDir, testEnv } from './support.js';

/** Leaves a socket file behind the way a SIGKILLed run does: bound, then the process dies without unlinking. */
async function staleSocket(file: string): Promise<void> {
  const child = spawn(process.execPath, [
    '-e',
    `require('node:net').createServer().listen(${JSON.stringify(file)}, () => process.kill(process.pid, 'SIGKILL'))`,
  ]);
  await once(child, 'exit');
}

describe('control socket', () => {
  it('answers status, scale, reload and stop; a config file supplies what flags leave out', async () => {
    const port = await freePort();
    const env = testEnv({ PORT: String(port) });
    const controlDir = path.join(env.XDG_RUNTIME_DIR as string, 'shoal');
    const project = tempDir();
    writeFileSync(
      path.join(project, 'shoal.config.json'),
      JSON.stringify({ app: fixture('app.mjs'), instances: 1, name: 'web', args: ['from-config'] }),
    );
    mkdirSync(controlDir, { mode: 0o700 });
    await staleSocket(path.join(controlDir, 'web.sock'));
    expect(existsSync(path.join(controlDir, 'web.sock'))).toBe(true);

    // The flag (-i 2) wins over the file's instances: 1; the name, app and args come from the file.
    const run = new ShoalRun(['run', '-i', '2'], { env, cwd: project });
    await run.waitForEvent('ready', {}, 20_000);
    expect(run.named('start')[0]).toMatchObject({
      name: 'web',
      workers: 2,
      config: path.join(project, 'shoal.config.json'),
    });
    expect((await get(port)).body).toMatch(/^[01] \d+ esm from-config\n$/);

    const socket = path.join(controlDir, 'web.sock');
    expect(statSync(socket).mode & 0o777).toBe(0o600);
    expect(statSync(controlDir).mode & 0o777).toBe(0o700);

    const status = await shoal(['status', '--json'], { env });
    expect(status.code).toBe(0);
    const parsed = JSON.parse(status.stdout);
    expect(parsed).toMatchObject({ name: 'web', pid: run.child.pid, snapshot: { size: 2, ready: true } });
    expect(parsed.snapshot.workers.map((w: { state: string }) => w.state)).toEqual(['ready', 'ready']);
    const table = await shoal(['status'], { env });
    expect(table.stdout.split('\n')[0]).toBe('shoal web · 2/2 workers ready · ready');

    const scaled = await shoal(['scale', '3'], { env, timeoutMs: 20_000 });
    expect(scaled).toMatchObject({ code: 0, stdout: 'web: 3 workers' });
    const reloaded = await shoal(['reload', '--json'], { env, timeoutMs: 30_000 });
    expect(reloaded.code).toBe(0);
    expect(JSON.parse(reloaded.stdout).slots.map((slot: { outcome: string }) => slot.outcome)).toEqual([
      'replaced',
      'replaced',
      'replaced',
    ]);

    // With a second cluster running, the name is required.
    const other = net.createServer((connection) => connection.destroy());
    await new Promise<void>((resolve) => other.listen(path.join(controlDir, 'other.sock'), resolve));
    try {
      const ambiguous = await shoal(['status'], { env });
      expect(ambiguous.code).toBe(2);
      expect(ambiguous.stderr).toBe('shoal: 2 clusters are running: other, web; say which with --name NAME');
      const unknown = await shoal(['reload', '--name', 'nope'], { env });
      expect(unknown).toMatchObject({
        code: 1,
        stderr: "shoal: no cluster named 'nope' is running (running: other, web)",
      });
      const stopped = await shoal(['stop', '--name', 'web'], { env, timeoutMs: 20_000 });
      expect(stopped).toMatchObject({ code: 0, stdout: 'web: stopped' });
    } finally {
      other.close();
    }
    expect(await run.waitForExit()).toEqual({ code: 0, signal: null });
    expect(existsSync(socket)).toBe(false);
  });

  it('refuses a name a live cluster already has', async () => {
    const port = await freePort();
    const env = testEnv({ PORT: String(port) });
    const first = new ShoalRun(['run', fixture('app.cjs'), '-i', '1', '--name', 'dup'], { env });
    await first.waitForEvent('ready', {}, 20_000);
    const second = await shoal(['run', fixture('app.cjs'), '-i', '1', '--name', 'dup'], { env });
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/^shoal: a cluster named 'dup' is already running/);
  });

  it('keeps running at 0 workers, and a second stop joins the first instead of forcing it', async () => {
    const port = await freePort();
    const env = testEnv({ PORT: String(port) });
    const run = new ShoalRun(['run', fixture('app.cjs'), '-i', '1', '--name', 'zero'], { env });
    await run.waitForEvent('ready', {}, 20_000);
    expect(await shoal(['scale', '0', '--name', 'zero'], { env, timeoutMs: 20_000 })).toMatchObject({
      code: 0,
      stdout: 'zero: 0 workers',
    });
    // Still there, with nothing but its control socket to hold it.
    const status = await shoal(['status', '--json', '--name', 'zero'], { env });
    expect(JSON.parse(status.stdout).snapshot).toMatchObject({ size: 0, workers: [] });
    await shoal(['scale', '1', '--name', 'zero'], { env, timeoutMs: 20_000 });
    // A request in flight keeps the shutdown going while the second stop arrives.
    const slow = get(port, '/slow');
    const first = shoal(['stop', '--name', 'zero'], { env, timeoutMs: 20_000 });
    await run.waitForEvent('shutdown-start', {}, 10_000);
    const second = await shoal(['stop', '--name', 'zero'], { env, timeoutMs: 20_000 });
    expect(second, second.stderr).toMatchObject({ code: 0 });
    expect((await first).code).toBe(0);
    expect((await slow).body).toBe('0 slow\n');
    // Graceful, not forced: exit 0 and the shutdown's report.
    expect(await run.waitForExit()).toEqual({ code: 0, signal: null });
    expect(run.named('shutdown-end')[0]).toMatchObject({ graceful: 1, forced: 0 });
  });
});
