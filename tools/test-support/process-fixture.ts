// Runs a fixture program in its own process group, reads its JSON-line events, and kills the whole group after.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterEach } from 'vitest';

export interface FixtureEvent {
  event: string;
  [field: string]: unknown;
}

export interface FixtureOptions {
  args?: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** The node binary; defaults to the one running the tests. */
  node?: string;
  nodeArgs?: string[];
  /** Read JSON lines on stderr as events too (a program that keeps stdout for something else: `shoal run`). */
  stderrEvents?: boolean;
}

const running = new Set<ProcessFixture>();

afterEach(async () => {
  const fixtures = [...running];
  running.clear();
  await Promise.all(fixtures.map((fixture) => fixture.kill()));
});

export class ProcessFixture implements AsyncDisposable {
  readonly child: ChildProcess;
  readonly events: FixtureEvent[] = [];
  readonly output: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #waiters = new Set<{ test(event: FixtureEvent): boolean; resolve(event: FixtureEvent): void }>();

  private constructor(script: string, options: FixtureOptions) {
    this.child = spawn(
      options.node ?? process.execPath,
      [...(options.nodeArgs ?? []), script, ...(options.args ?? [])],
      {
        cwd: options.cwd,
        env: { ...process.env, ...options.env },
        // Its own process group: killing -pid takes the primary and every worker it forked.
        detached: true,
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    this.exited = once(this.child, 'exit').then(([code, signal]) => ({ code, signal }));
    createInterface({ input: this.child.stdout! }).on('line', (line) => this.#onLine(line));
    createInterface({ input: this.child.stderr! }).on('line', (line) => {
      if (options.stderrEvents) this.#onLine(line, 'stderr: ');
      else this.output.push(`stderr: ${line}`);
    });
    this.child.stdin!.on('error', () => {}); // the fixture may exit before reading everything
    running.add(this);
  }

  static start(script: string, options: FixtureOptions = {}): ProcessFixture {
    return new ProcessFixture(script, options);
  }

  /** Resolves with the first event (already seen or future) that matches, or rejects after `timeoutMs`. */
  waitFor(test: (event: FixtureEvent) => boolean, timeoutMs = 15_000, what = 'event'): Promise<FixtureEvent> {
    const seen = this.events.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = {
        test,
        resolve: (event: FixtureEvent) => {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          resolve(event);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${what}; output:\n${this.output.join('\n')}`,
          ),
        );
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  waitForEvent(name: string, match: Record<string, unknown> = {}, timeoutMs?: number): Promise<FixtureEvent> {
    return this.waitFor(
      (event) => event.event === name && Object.entries(match).every(([k, v]) => event[k] === v),
      timeoutMs,
      `'${name}' ${JSON.stringify(match)}`,
    );
  }

  /** Waits until `count` events named `name` were seen, and returns them. */
  async waitForCount(name: string, count: number, timeoutMs = 15_000): Promise<FixtureEvent[]> {
    let seen = 0;
    await this.waitFor((event) => event.event === name && ++seen >= count, timeoutMs, `${count} × '${name}'`);
    return this.events.filter((event) => event.event === name);
  }

  /** Sends one JSON-line command to the fixture's stdin. */
  send(command: Record<string, unknown>): void {
    this.child.stdin!.write(`${JSON.stringify(command)}\n`);
  }

  named(name: string): FixtureEvent[] {
    return this.events.filter((event) => event.event === name);
  }

  async waitForExit(timeoutMs = 15_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(`fixture did not exit within ${timeoutMs} ms; output:\n${this.output.join('\n')}`),
          ),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kills the fixture's whole process group (primary and workers) and waits for the primary to be gone. */
  async kill(): Promise<void> {
    running.delete(this);
    const pid = this.child.pid;
    if (pid !== undefined) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // The group is already gone.
      }
    }
    if (this.child.exitCode === null && this.child.signalCode === null) await this.exited;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.kill();
  }

  #onLine(line: string, prefix = ''): void {
    this.output.push(`${prefix}${line}`);
    if (!line.startsWith('{')) return;
    let event: FixtureEvent;
    try {
      event = JSON.parse(line) as FixtureEvent;
    } catch {
      return;
    }
    if (typeof event.event !== 'string') return;
    this.events.push(event);
    for (const waiter of [...this.#waiters]) {
      if (waiter.test(event)) waiter.resolve(event);
    }
  }
}
