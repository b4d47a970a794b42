// Starts a program under test in its own process group, reads its JSON-line events and sends it commands;
// every group still running is killed when the runner exits, however it exits.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import process from 'node:process';
import { createInterface } from 'node:readline';

const running = new Set();

function killGroup(child) {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // The group is already gone.
  }
}

process.on('exit', () => {
  for (const app of running) killGroup(app.child);
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    for (const app of running) killGroup(app.child);
    process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
  });
}

export class AppProcess {
  /** @type {import('node:child_process').ChildProcess} */
  child;
  events = [];
  output = [];
  #waiters = new Set();
  exited;

  constructor(script, { env = {}, nodeArgs = [] } = {}) {
    this.child = spawn(process.execPath, [...nodeArgs, script], {
      env: { ...process.env, ...env },
      detached: true, // its own process group: -pid takes the primary and every worker
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.spawnedAt = performance.now();
    running.add(this);
    this.exited = once(this.child, 'exit').then(([code, signal]) => {
      running.delete(this);
      for (const waiter of this.#waiters) waiter.reject(this.#failure(`exited (${signal ?? code})`));
      return { code, signal };
    });
    this.child.stdin.on('error', () => {});
    createInterface({ input: this.child.stdout }).on('line', (line) => this.#onLine(line));
    createInterface({ input: this.child.stderr }).on('line', (line) => this.output.push(`stderr: ${line}`));
  }

  /** The first event named `name` (already seen or future); rejects on timeout or exit. */
  waitFor(name, timeoutMs = 20_000) {
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

  /** Sends a command and waits for the event it answers with (events of that name seen before are dropped). */
  async request(cmd, reply = cmd, timeoutMs = 20_000) {
    this.events = this.events.filter((event) => event.event !== reply);
    this.child.stdin.write(`${JSON.stringify({ cmd })}\n`);
    return this.waitFor(reply, timeoutMs);
  }

  /** Asks the primary to exit, then kills the group whatever it did, and waits for the primary. */
  async stop() {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.stdin.write(`${JSON.stringify({ cmd: 'exit' })}\n`);
      const timer = setTimeout(() => killGroup(this.child), 2_000);
      await this.exited;
      clearTimeout(timer);
    }
    killGroup(this.child); // workers left behind by a primary that died
  }

  #failure(what) {
    return new Error(`${what}; output:\n${this.output.slice(-30).join('\n')}`);
  }

  #onLine(line) {
    this.output.push(line);
    if (!line.startsWith('{')) return;
    let event;
    try {
      event = JSON.parse(line);
    } catch {
      return;
    }
    if (typeof event.event !== 'string') return;
    this.events.push(event);
    for (const waiter of [...this.#waiters]) if (waiter.name === event.event) waiter.resolve(event);
  }
}
