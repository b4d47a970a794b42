// Shared by the multi-host tests: one "host" is a `shoal run` cluster listening on its own loopback address
// (127.0.0.2, 127.0.0.3, …) with its own control directory, controlled through the real `shoal` command.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { freePort, ProcessFixture } from '../../../tools/test-support/index.js';

export const shoalBin = fileURLToPath(new URL('../../../packages/cli/dist/bin.js', import.meta.url));

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export interface ShoalHost {
  /** What the app answers with first (`a`, `b`): HOST_NAME. */
  name: string;
  address: string;
  /** The app's port on `address`. */
  port: number;
  /** `--metrics` on `address`: /readyz is the load balancer's health check. */
  metricsPort: number;
  /** The `--name` of its `shoal run`, for `shoal reload --name …`. */
  shoalName: string;
  run: ProcessFixture;
  /** The environment `shoal` control commands need to find this run (its XDG_RUNTIME_DIR). */
  env: NodeJS.ProcessEnv;
}

/**
 * `shoal run <app> -i <workers> --metrics <address>:0 --name <unique> [args]`, resolved once every worker is ready.
 */
export async function startHost(
  app: string,
  options: {
    name: string;
    address: string;
    workers?: number;
    /** More `shoal run` flags (`--shutdown-delay 400ms`, `--route-by proxy`). */
    args?: readonly string[];
    env?: NodeJS.ProcessEnv;
  },
): Promise<ShoalHost> {
  const runtimeDir = mkdtempSync(path.join(os.tmpdir(), 'shoal-host-'));
  dirs.push(runtimeDir);
  const port = await freePort(options.address);
  const shoalName = `host-${options.name}-${process.pid}-${port}`;
  const env = { XDG_RUNTIME_DIR: runtimeDir };
  const run = ProcessFixture.start(shoalBin, {
    args: [
      'run',
      app,
      '-i',
      String(options.workers ?? 2),
      '--metrics',
      `${options.address}:0`,
      '--name',
      shoalName,
      ...(options.args ?? []),
    ],
    env: { ...env, HOST: options.address, PORT: String(port), HOST_NAME: options.name, ...options.env },
    stderrEvents: true,
  });
  // A run that exits instead (its port taken meanwhile, say) fails here at once, with its output.
  const exited = run.exited.then((exit) => {
    throw new Error(
      `shoal run for host ${options.name} exited: ${JSON.stringify(exit)}\n${run.output.join('\n')}`,
    );
  });
  exited.catch(() => {}); // only the start awaits it: a later exit (a test's own shutdown) is no failure
  const metrics = await Promise.race([run.waitForEvent('metrics'), exited]);
  await Promise.race([run.waitForEvent('ready'), exited]);
  return {
    name: options.name,
    address: options.address,
    port,
    metricsPort: metrics.port as number,
    shoalName,
    run,
    env,
  };
}

export interface ControlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `shoal <command> --name <host's>` and resolves with its exit code and output. */
export function shoal(host: ShoalHost, args: readonly string[], timeoutMs = 20_000): Promise<ControlResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [shoalBin, ...args, '--name', host.shoalName],
      { env: { ...process.env, ...host.env }, timeout: timeoutMs },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
