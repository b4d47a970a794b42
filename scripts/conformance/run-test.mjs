// Runs one test file once: its own process group, output to a log file, a timeout, optionally as another user.
import { spawn } from 'node:child_process';
import fs from 'node:fs';

const running = new Set();

function killGroup(pid) {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // The group is gone already.
  }
}

/** Kills every test still running (the harness is being interrupted). */
export function killAllRuns() {
  for (const pid of running) killGroup(pid);
  running.clear();
}

/**
 * Resolves with { code, signal, timedOut, ms } once the test's primary has exited; whatever it left behind
 * (workers, grandchildren) is killed then, so the next test starts on a quiet machine.
 * `asUser`: a uid (also used as gid) to run as, through setpriv.
 */
export function runTest({ node, cwd, file, env, timeoutMs, logPath, asUser }) {
  const log = fs.openSync(logPath, 'w');
  const [command, args] =
    asUser === undefined
      ? [node, [file]]
      : ['setpriv', [`--reuid=${asUser}`, `--regid=${asUser}`, '--clear-groups', node, file]];
  const started = Date.now();
  return new Promise((resolve) => {
    // The log file is the child's stdout and stderr directly: no pipe that a straggler could keep open.
    const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', log, log] });
    fs.closeSync(log);
    let timedOut = false;
    let done = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, timeoutMs);
    const finish = (code, signal) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (child.pid !== undefined) {
        killGroup(child.pid);
        running.delete(child.pid);
      }
      resolve({ code, signal, timedOut, ms: Date.now() - started });
    };
    if (child.pid !== undefined) running.add(child.pid);
    child.once('error', (error) => {
      fs.appendFileSync(logPath, `conformance: could not start ${command}: ${error.message}\n`);
      finish(null, null);
    });
    child.once('exit', finish);
  });
}
