// Shared by the framework tests: an unmodified app under `shoal run` on a free port, with a control directory
// of its own (removed after the test), and the `shoal` control commands that reach it.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { type FixtureEvent, freePort, ProcessFixture } from '../../../tools/test-support/index.js';

export const shoalBin = fileURLToPath(new URL('../../../packages/cli/dist/bin.js', import.meta.url));

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temporary directory removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'shoal-examples-'));
  dirs.push(dir);
  return dir;
}

export interface ShoalRun {
  run: ProcessFixture;
  port: number;
  /** The pid of each worker index that has started, the latest one for a replaced index. */
  pids(): Map<number, number>;
  /** Runs `shoal <command> --name <this run>` and resolves with its exit code and output. */
  control(command: string): Promise<{ code: number | null; output: string[] }>;
}

/** Starts `shoal run <app> -i <workers>` and waits until every worker is ready. */
export async function startShoalRun(
  app: string,
  workers = 2,
  options: { node?: string } = {},
): Promise<ShoalRun> {
  const port = await freePort();
  const env = { PORT: String(port), XDG_RUNTIME_DIR: tempDir() };
  const name = `${path.basename(app, '.js')}-${port}`;
  const run = ProcessFixture.start(shoalBin, {
    args: ['run', app, '-i', String(workers), '--name', name],
    env,
    node: options.node,
    stderrEvents: true,
  });
  await run.waitForEvent('ready', {}, 20_000);
  const pids = (): Map<number, number> =>
    new Map(
      run.named('worker-start').map((event: FixtureEvent) => [event.index as number, event.pid as number]),
    );
  const control = async (command: string) => {
    const client = ProcessFixture.start(shoalBin, {
      args: [command, '--name', name],
      env,
      node: options.node,
    });
    const { code } = await client.waitForExit(20_000);
    return { code, output: client.output };
  };
  return { run, port, pids, control };
}

/** index → pid turned into pid → index as the apps name it (NODE_APP_INSTANCE is a string). */
export function byPid(pids: Map<number, number>): Map<number, string> {
  return new Map([...pids].map(([index, pid]) => [pid, String(index)]));
}
