// One PM2 under test: its CLI run with this Node and an isolated PM2_HOME in a temporary folder (a user's own PM2
// is never touched), its daemon (the God process, which is also the cluster's primary) and the workers it forks.
// stop() runs `pm2 kill`, then SIGKILLs whatever of it is left; the runner's exit does the same, however it exits.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';

const live = new Set();

function killPids(pids) {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

process.on('exit', () => {
  for (const pm2 of live) pm2.stopNow();
});

export class Pm2 {
  /** @param {{bin: string, version: string}} install from ensurePm2() */
  constructor(install, { env = {} } = {}) {
    this.bin = install.bin;
    this.version = install.version;
    this.home = mkdtempSync(path.join(os.tmpdir(), 'shoal-bench-pm2-home-'));
    this.env = { ...process.env, ...env, PM2_HOME: this.home };
    /** Every pid this PM2 ran (daemon, workers): what is killed should `pm2 kill` leave anything behind. */
    this.pids = new Set();
    live.add(this);
  }

  /** Runs `pm2 ...args`; resolves with stdout and how long the command took (ms). */
  cli(args, timeoutMs = 60_000) {
    const started = performance.now();
    return new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        [this.bin, ...args],
        { env: this.env, timeout: timeoutMs, maxBuffer: 16 * 2 ** 20 },
        (error, stdout, stderr) => {
          const ms = performance.now() - started;
          if (error)
            reject(new Error(`pm2 ${args.join(' ')} failed (${error.message}):\n${stdout}\n${stderr}`));
          else resolve({ stdout, stderr, ms });
        },
      );
    });
  }

  /** The daemon's pid (PM2 writes it to $PM2_HOME/pm2.pid), or undefined before it runs. */
  daemonPid() {
    try {
      const pid = Number(readFileSync(path.join(this.home, 'pm2.pid'), 'utf8').trim());
      if (pid > 0) this.pids.add(pid);
      return pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  /** `pm2 jlist`: [{name, pmId, pid, status}] of every process PM2 manages. */
  async list() {
    const { stdout } = await this.cli(['jlist']);
    const json = stdout.slice(stdout.indexOf('['));
    const processes = JSON.parse(json).map((p) => ({
      name: p.name,
      pmId: p.pm_id,
      pid: p.pid,
      status: p.pm2_env?.status,
      execMode: p.pm2_env?.exec_mode,
    }));
    for (const p of processes) if (p.pid > 0) this.pids.add(p.pid);
    return processes;
  }

  /** `pm2 kill` (stops the apps and the daemon), then SIGKILL for anything of it still alive, and the home gone. */
  async stop() {
    if (!live.has(this)) return;
    this.daemonPid();
    try {
      await this.list();
    } catch {
      // The daemon may be down already; the pids seen so far are still killed below.
    }
    try {
      await this.cli(['kill'], 20_000);
    } catch {
      // Killed the hard way below.
    }
    this.#finish();
  }

  /** The synchronous form, for the runner's exit. */
  stopNow() {
    if (!live.has(this)) return;
    this.daemonPid();
    try {
      execFileSync(process.execPath, [this.bin, 'kill'], { env: this.env, timeout: 10_000, stdio: 'ignore' });
    } catch {
      // Killed the hard way below.
    }
    this.#finish();
  }

  #finish() {
    killPids(this.pids);
    live.delete(this);
    rmSync(this.home, { recursive: true, force: true });
  }
}
