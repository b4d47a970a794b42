// One `shoal run app -i N` under test, as a user runs it: the CLI's bin in its own process group, its events read
// from stderr (JSON lines, stderr not being a terminal), its control socket in a temporary XDG_RUNTIME_DIR and
// driven with the CLI's own `shoal reload`. The group is killed at the end, and on the runner's exit.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const running = new Set();
process.on('exit', () => {
  for (const run of running) run.killGroup();
});

/** The CLI's bin.js: in the frozen copy of the packages, or in the work tree with --live. */
export function shoalCliBin(config) {
  const frozen = path.join(config.appsDir, '..', 'node_modules', '@shoal', 'cli', 'dist', 'bin.js');
  if (existsSync(frozen)) return frozen;
  const here = path.dirname(fileURLToPath(import.meta.url));
  const inTree = path.resolve(here, '..', '..', '..', 'packages', 'cli', 'dist', 'bin.js');
  if (!existsSync(inTree)) throw new Error(`${inTree} is missing: build first (npx tsc -b at the root)`);
  return inTree;
}

export class ShoalRun {
  events = [];
  output = [];
  #waiters = new Set();

  /** @param {{bin: string, app: string, workers: number, port: number, flags?: string[]}} options */
  constructor({ bin, app, workers, port, flags = [] }) {
    this.bin = bin;
    this.name = `bench-${process.pid}-${running.size}-${Date.now() % 100000}`;
    this.runtimeDir = mkdtempSync(path.join(os.tmpdir(), 'shoal-bench-xdg-'));
    this.env = { ...process.env, PORT: String(port), XDG_RUNTIME_DIR: this.runtimeDir };
    this.spawnedAt = performance.now();
    this.child = spawn(
      process.execPath,
      [bin, 'run', app, '-i', String(workers), '--name', this.name, ...flags],
      { env: this.env, detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    running.add(this);
    this.exited = once(this.child, 'exit').then(([code, signal]) => {
      for (const waiter of this.#waiters) waiter.reject(this.#failure(`exited (${signal ?? code})`));
      return { code, signal };
    });
    createInterface({ input: this.child.stderr }).on('line', (line) => this.#onLine(line));
  }

  get pid() {
    return this.child.pid;
  }

  /** The workers alive now, from the worker-start and worker-exit events. */
  workerPids() {
    const pids = new Set();
    for (const event of this.events) {
      if (event.event === 'worker-start') pids.add(event.pid);
      if (event.event === 'worker-exit') pids.delete(event.pid);
    }
    return [...pids];
  }

  /** The first event named `name` (seen or future), with `at` (performance.now() when its line arrived). */
  waitFor(name, timeoutMs = 30_000) {
    const seen = this.events.find((event) => event.event === name);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = {
        name,
        resolve: (event) => {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          resolve(event);
        },
        reject: (error) => {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          reject(error);
        },
      };
      const timer = setTimeout(
        () => waiter.reject(this.#failure(`no '${name}' within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.#waiters.add(waiter);
    });
  }

  /** `shoal <command> --name N ...args`; resolves with stdout and how long the command took (ms). */
  cli(args, timeoutMs = 120_000) {
    const started = performance.now();
    return new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        [this.bin, ...args, '--name', this.name],
        { env: this.env, timeout: timeoutMs },
        (error, stdout, stderr) => {
          const ms = performance.now() - started;
          if (error)
            reject(new Error(`shoal ${args.join(' ')} failed (${error.message}):\n${stdout}\n${stderr}`));
          else resolve({ stdout, stderr, ms });
        },
      );
    });
  }

  /** SIGTERM (Shoal's graceful stop), the group killed if it has not exited within 10 s, and the socket dir gone. */
  async stop() {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.killGroup(), 10_000);
      await this.exited;
      clearTimeout(timer);
    }
    this.killGroup(); // workers a primary that died left behind
    running.delete(this);
    rmSync(this.runtimeDir, { recursive: true, force: true });
  }

  killGroup() {
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      // The group is gone.
    }
  }

  #failure(what) {
    return new Error(`shoal run ${what}; stderr:\n${this.output.slice(-30).join('\n')}`);
  }

  #onLine(line) {
    this.output.push(line);
    if (this.output.length > 200) this.output.shift();
    if (!line.startsWith('{')) return;
    let event;
    try {
      event = JSON.parse(line);
    } catch {
      return;
    }
    if (typeof event.event !== 'string') return;
    event.at = performance.now();
    this.events.push(event);
    for (const waiter of [...this.#waiters]) if (waiter.name === event.event) waiter.resolve(event);
  }
}
