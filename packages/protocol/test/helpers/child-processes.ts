// Spawns fixture programs and keeps track of them, so a test's afterEach can kill whatever is left,
// whole process groups included, even when an assertion failed half-way.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

const running = new Set<ChildProcess>();

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `binary args…` in its own process group and resolves when it has exited and its output is drained. */
export async function runToCompletion(
  binary: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<Finished> {
  const child = spawn(binary, args, {
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: killAll() takes the forked workers down with it
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  try {
    const [code, signal] = (await once(child, 'close', {
      signal: AbortSignal.timeout(options.timeoutMs),
    })) as [number | null, NodeJS.Signals | null];
    return { code, signal, stdout, stderr };
  } catch (error) {
    throw new Error(
      `${binary} ${args.join(' ')} did not finish in ${options.timeoutMs} ms; stderr: ${stderr}`,
      {
        cause: error,
      },
    );
  } finally {
    running.delete(child);
  }
}

/** Kills every child still running (and its process group). For afterEach. */
export function killAll(): void {
  for (const child of running) {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }
  }
  running.clear();
}
