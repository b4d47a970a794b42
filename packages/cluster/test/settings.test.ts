// setupPrimary(): Node's defaults, cumulative merging, the 'setup' event, and each setting reaching the worker.
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type FixtureEvent, ProcessFixture } from '../../../tools/test-support/index.js';
import { fixture } from './fixture-path.js';

interface Report {
  id: number;
  argv: string[];
  execArgv: string[];
  cwd: string;
  env: string | null;
  uniqueIdVisible: boolean;
}

function startSettings(settings: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): ProcessFixture {
  return ProcessFixture.start(fixture('settings.mjs'), {
    env: { SETTINGS: JSON.stringify({ exec: fixture('settings-worker.mjs'), ...settings }), ...env },
  });
}

async function reportOf(primary: ProcessFixture, id: number): Promise<Report> {
  const event = await primary.waitFor(
    (e: FixtureEvent) =>
      e.event === 'cluster:message' &&
      e.id === id &&
      (e.message as { report?: unknown }).report !== undefined,
    15_000,
    `worker ${id}'s report`,
  );
  return (event.message as { report: Report }).report;
}

const scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('cluster.setupPrimary()', () => {
  it('fills Node’s defaults and passes exec, args, execArgv, cwd and the fork env to the worker', async () => {
    const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'shoal-cwd-')));
    scratch.push(dir);
    const primary = startSettings({ args: ['--flag', 'value'], execArgv: ['--no-warnings'], cwd: dir });
    const settings = (await primary.waitForEvent('primary:settings')).settings as Record<string, unknown>;
    expect(settings).toMatchObject({
      silent: false,
      args: ['--flag', 'value'],
      execArgv: ['--no-warnings'],
      cwd: dir,
    });
    const report = await reportOf(primary, 1);
    expect(report).toMatchObject({
      id: 1,
      argv: ['--flag', 'value'],
      execArgv: ['--no-warnings'],
      cwd: dir,
      env: 'from-fork-env',
      uniqueIdVisible: false,
    });
  });

  it('merges cumulatively, emits setup each time, and changes only later forks', async () => {
    const primary = startSettings({ args: ['first'] });
    await reportOf(primary, 1);
    primary.send({ do: 'setup', settings: { execArgv: ['--no-deprecation'] } });
    const later = await primary.waitForCount('primary:settings', 2);
    expect(later[1]?.settings).toMatchObject({ args: ['first'], execArgv: ['--no-deprecation'] });
    primary.send({ do: 'fork' });
    const second = await reportOf(primary, 2);
    expect(second.argv).toEqual(['first']);
    expect(second.execArgv).toEqual(['--no-deprecation']);
    const first = await reportOf(primary, 1);
    expect(first.execArgv).toEqual([]);
    const setups = await primary.waitForCount('cluster:setup', 3);
    expect(setups.length).toBeGreaterThanOrEqual(3);
  });

  it('pipes the worker’s stdout to the primary with silent: true', async () => {
    const primary = startSettings({ silent: true });
    const output = await primary.waitForEvent('worker:stdout', { id: 1 });
    expect(output.text).toBe('stdout of worker 1\n');
  });

  it('uses the given stdio, which must contain ipc', async () => {
    const primary = startSettings({ stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    expect((await primary.waitForEvent('worker:stdout', { id: 1 })).text).toBe('stdout of worker 1\n');
    const failing = startSettings({ stdio: ['ignore', 'pipe', 'inherit'] });
    const error = await failing.waitForEvent('fork:error');
    expect(error.code).toBe('ERR_CHILD_PROCESS_IPC_REQUIRED');
  });

  it('carries values JSON cannot with serialization: advanced', async () => {
    const primary = startSettings({ serialization: 'advanced' }, { SEND_BIGINT: '1' });
    const message = await primary.waitFor(
      (e) => e.event === 'cluster:message' && (e.message as { isBigInt?: boolean }).isBigInt === true,
    );
    expect((message.message as { big: string }).big).toBe('12345678901234567890n');
  });

  it('gives a worker its own inspector port and rejects a bad one with ERR_SOCKET_BAD_PORT', async () => {
    const primary = startSettings({
      execArgv: ['--inspect-port=0', '--inspect=127.0.0.1:0'],
      inspectPort: 0,
    });
    const report = await reportOf(primary, 1);
    expect(report.execArgv).toContain('--inspect-port=0');
    const bad = startSettings({ execArgv: ['--inspect=127.0.0.1:0'], inspectPort: 70000 });
    const error = await bad.waitForEvent('fork:error');
    expect(error).toMatchObject({ code: 'ERR_SOCKET_BAD_PORT', name: 'RangeError' });
    const none = startSettings({ inspectPort: null });
    expect((await none.waitForEvent('fork:error')).code).toBe('ERR_SOCKET_BAD_PORT');
  });
});
