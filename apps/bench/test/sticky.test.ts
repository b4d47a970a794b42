// The sticky comparison end to end with a tiny load (--quick --only sticky into a temporary directory): every
// variant starts, serves churn on /?sid=<session> and polling sessions, and both sticky variants send every
// request to the worker holding its session. No timing assertions.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const runner = fileURLToPath(new URL('../src/run.mjs', import.meta.url));
const children = new Set<ChildProcess>();
const tempDirs: string[] = [];

/** Live descendants of `pid`, from /proc: the runner's clusters run in process groups of their own. */
function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const [child, ppid] of parentOf) {
      if (ppid === parent) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

afterEach(async () => {
  for (const child of children) {
    if (child.pid === undefined) continue;
    const tree = descendants(child.pid);
    kill(-child.pid);
    for (const pid of tree) {
      kill(-pid);
      kill(pid);
    }
    if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
  }
  children.clear();
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function runBench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [runner, ...args], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

const SLOTS = ['socketio-sticky', 'shoal-sticky', 'shoal-rr'];

describe('apps/bench sticky scenario', () => {
  it('runs the three variants end to end and writes sticky.json and sticky.md', {
    timeout: 120_000,
  }, async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'shoal-bench-sticky-'));
    tempDirs.push(out);
    const { code, stdout, stderr } = await runBench(['--quick', '--only', 'sticky', '--out', out]);
    expect(code, stderr).toBe(0);
    // Opt-in figures never go over the node:cluster comparison's.
    expect(readdirSync(out).sort()).toEqual(['sticky.json', 'sticky.md']);

    const results = JSON.parse(readFileSync(path.join(out, 'sticky.json'), 'utf8'));
    const { churn, sessions, rounds } = results.scenarios.sticky;
    expect(rounds).toHaveLength(1);
    for (const slot of SLOTS) {
      const run = rounds[0][slot];
      expect(run.variant).toBe(slot);
      expect(run.workerPids, slot).toHaveLength(2);
      expect(run.churn.requests, slot).toBeGreaterThan(0);
      expect(run.churn.errors, slot).toBe(0);
      expect(run.churn.perWorker, slot).toHaveLength(2);
      expect(run.sessions.completed + run.sessions.failed, slot).toBe(run.sessions.clients);
    }
    for (const slot of ['socketio-sticky', 'shoal-sticky']) {
      // Every churn request reached the worker holding the session its sid names, and every polling session
      // completed all its acknowledged emits.
      const run = rounds[0][slot];
      expect(run.churn.ownSessionShare, slot).toBe(1);
      expect(run.sessions.completed, slot).toBe(run.sessions.clients);
      expect(run.sessions.acked, slot).toBe(run.sessions.clients * run.sessions.emits);
      expect(sessions.slots[slot].failed, slot).toBe(0);
    }
    expect(churn.ratios.stickyVsSocketioSticky.perRound).toHaveLength(1);
    expect(Number.isFinite(churn.ratios.stickyVsRoundRobin.median)).toBe(true);

    const markdown = readFileSync(path.join(out, 'sticky.md'), 'utf8');
    expect(stdout).toBe(markdown);
    expect(markdown).toContain('## (a) Churn');
    expect(markdown).toContain('## (b) Socket.IO sessions over long polling');
  });
});
