// A third-party server binary (HAProxy, Redis) run by a test in the foreground: its output lines, a wait for a
// line, a stop by SIGTERM with a SIGKILL fallback, and a kill after each test for whatever is still running.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants, rmSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach } from 'vitest';

const running = new Set<ServerProcess>();

afterEach(async () => {
  const servers = [...running];
  running.clear();
  await Promise.all(servers.map((server) => server.stop()));
});

/** The first of `names` found on PATH or in `fallbackDirs` that is executable, else undefined. */
export function findBinary(
  names: readonly string[],
  fallbackDirs: readonly string[] = [],
): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), ...fallbackDirs];
  for (const dir of dirs) {
    for (const name of names) {
      const candidate = path.join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // Not there; try the next.
      }
    }
  }
  return undefined;
}

/**
 * The binary for a test, or a skip with a message saying why when it is missing — except in CI (`CI` set), which
 * installs it (`.ci/run`): there a missing binary fails the test instead of hiding it.
 */
export function requireBinary(
  context: { skip(note?: string): never },
  what: string,
  binary: string | undefined,
): string {
  if (binary !== undefined) return binary;
  const message = `${what} is not installed (not found on PATH nor in the usual system directories)`;
  if (process.env.CI) throw new Error(`${message}; CI must install it (see .ci/run)`);
  return context.skip(`${message}: skipped (install it, e.g. apt-get install ${what}, to run this test)`);
}

export class ServerProcess implements AsyncDisposable {
  readonly child: ChildProcess;
  readonly output: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #waiters = new Set<(line: string | undefined) => void>();
  #exitedNow = false;
  /** Exited and both pipes closed: no line will come any more. */
  #finished = false;
  readonly #removeDir: string | undefined;

  /** `removeDir` (the server's temporary directory) is removed once the process has exited. */
  constructor(binary: string, args: readonly string[], options: { cwd?: string; removeDir?: string } = {}) {
    this.#removeDir = options.removeDir;
    this.child = spawn(binary, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => {
      // 'error' (the binary could not be spawned) comes instead of 'exit'.
      this.child.once('error', (error) => {
        this.output.push(`spawn error: ${error.message}`);
        this.#exitedNow = true;
        resolve({ code: null, signal: null });
      });
      this.child.once('exit', (code, signal) => {
        this.#exitedNow = true;
        resolve({ code, signal });
      });
    });
    const pipes = [this.child.stdout!, this.child.stderr!];
    for (const stream of pipes) {
      createInterface({ input: stream }).on('line', (line) => {
        this.output.push(line);
        for (const waiter of [...this.#waiters]) waiter(line);
      });
    }
    void Promise.all([this.exited, ...pipes.map((stream) => once(stream, 'close'))]).then(() => {
      this.#finished = true;
      for (const waiter of [...this.#waiters]) waiter(undefined);
    });
    running.add(this);
  }

  get alive(): boolean {
    return !this.#exitedNow;
  }

  /**
   * Resolves with the first output line (already printed or future) that `test` accepts; rejects when the
   * process exits first or after `timeoutMs`.
   */
  waitForLine(test: (line: string) => boolean, timeoutMs: number, what: string): Promise<string> {
    const seen = this.output.find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const done = (error: Error | undefined, line?: string): void => {
        clearTimeout(timer);
        this.#waiters.delete(waiter);
        if (error) reject(error);
        else resolve(line as string);
      };
      const waiter = (line: string | undefined): void => {
        if (line === undefined) done(new Error(`exited before printing ${what}:\n${this.transcript()}`));
        else if (test(line)) done(undefined, line);
      };
      const timer = setTimeout(
        () => done(new Error(`no ${what} within ${timeoutMs} ms:\n${this.transcript()}`)),
        timeoutMs,
      );
      if (this.#finished) waiter(undefined);
      else this.#waiters.add(waiter);
    });
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`; resolves once it has exited. */
  async stop(graceMs = 3000): Promise<void> {
    running.delete(this);
    if (!this.#exitedNow) await this.#terminate(graceMs);
    if (this.#removeDir !== undefined) rmSync(this.#removeDir, { recursive: true, force: true });
  }

  async #terminate(graceMs: number): Promise<void> {
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(resolve, graceMs, 'late');
    });
    try {
      if ((await Promise.race([this.exited, late])) === 'late') {
        this.child.kill('SIGKILL');
        await this.exited;
      }
    } finally {
      clearTimeout(timer);
    }
  }

  transcript(): string {
    return this.output.map((line) => `  | ${line}`).join('\n');
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
