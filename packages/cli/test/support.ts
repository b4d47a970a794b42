// Runs `node packages/cli/dist/bin.js ...` as a child in its own process group, with a control directory of its
// own; collects stdout lines, stderr lines and the JSON events on stderr; kills every child after each test.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

export const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
export const fixture = (name: string): string =>
  fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

export interface ShoalEvent {
  event: string;
  [field: string]: unknown;
}

const running = new Set<ShoalRun>();
const dirs: string[] = [];

afterEach(async () => {
  const runs = [...running];
  running.clear();
  await Promise.all(runs.map((run) => run.kill()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temporary directory removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'shoal-cli-'));
  dirs.push(dir);
  return dir;
}

/** The environment of a test's shoal processes: its own XDG_RUNTIME_DIR, so control sockets never collide. */
export function testEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { XDG_RUNTIME_DIR: tempDir(), ...extra };
}

export class ShoalRun {
  readonly child: ChildProcess;
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  readonly events: ShoalEvent[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Both output pipes closed: every line has been read. */
  readonly drained: Promise<unknown>;
  readonly #waiters = new Set<() => void>();

  constructor(args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
    this.child = spawn(process.execPath, [bin, ...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = once(this.child, 'exit').then(([code, signal]) => ({ code, signal }));
    this.drained = Promise.all([once(this.child.stdout!, 'close'), once(this.child.stderr!, 'close')]);
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      this.stdout.push(line);
      this.#notify();
    });
    createInterface({ input: this.child.stderr! }).on('line', (line) => {
      this.stderr.push(line);
      if (line.startsWith('{')) {
        try {
          this.events.push(JSON.parse(line) as ShoalEvent);
        } catch {
          // Not one of ours.
        }
      }
      this.#notify();
    });
    running.add(this);
  }

  /** Resolves once `test` holds (checked on every line of output), or rejects after `timeoutMs`. */
  until<T>(test: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const now = test();
    if (now !== undefined && now !== false) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const value = test();
        if (value === undefined || value === false) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve(value);
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${this.transcript()}`));
      }, timeoutMs);
      this.#waiters.add(check);
    });
  }

  waitForEvent(
    name: string,
    match: Record<string, unknown> = {},
    timeoutMs = 15_000,
    after = 0,
  ): Promise<ShoalEvent> {
    return this.until(
      () =>
        this.events
          .slice(after)
          .find((event) => event.event === name && Object.entries(match).every(([k, v]) => event[k] === v)),
      timeoutMs,
      `event ${name} ${JSON.stringify(match)}`,
    );
  }

  named(name: string): ShoalEvent[] {
    return this.events.filter((event) => event.event === name);
  }

  async waitForExit(timeoutMs = 15_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`shoal did not exit within ${timeoutMs} ms\n${this.transcript()}`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  signal(name: NodeJS.Signals): void {
    this.child.kill(name);
  }

  transcript(): string {
    return [...this.stdout.map((l) => `stdout: ${l}`), ...this.stderr.map((l) => `stderr: ${l}`)].join('\n');
  }

  async kill(): Promise<void> {
    running.delete(this);
    const pid = this.child.pid;
    if (pid !== undefined) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    if (this.child.exitCode === null && this.child.signalCode === null) await this.exited;
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}

/** Runs a shoal command to its end: exit code and output. */
export async function shoal(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = new ShoalRun(args, options);
  const { code } = await run.waitForExit(options.timeoutMs ?? 15_000);
  // The last lines may trail the exit.
  await run.drained;
  return { code, stdout: run.stdout.join('\n'), stderr: run.stderr.join('\n') };
}

/** A port free right now, for apps that listen on a fixed one. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
