// Smoke test of the benchmark runner: a --quick run of a few scenarios into a temporary directory, checking
// that the JSON, markdown and SVG reports come out with the expected structure. No timing assertions.
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

/** Every live descendant of `pid` (Linux /proc; none elsewhere). */
function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  for (const entry of entries) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parentOf.set(Number(entry), ppid);
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
    // The runner starts each program under test in a process group of its own: take the whole tree, and
    // each group whose leader is in it (a primary's workers stay in its group even once it is gone).
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
    detached: true, // a process group of its own, killed whole in afterEach
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

interface TargetRow {
  id: string;
  kind: string;
  median: number;
  target: number | null;
  met: boolean | null;
}

describe('apps/bench --quick', () => {
  it('runs a subset of scenarios and writes JSON, markdown and SVG', { timeout: 180_000 }, async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'shoal-bench-'));
    tempDirs.push(out);
    const { code, stdout, stderr } = await runBench([
      '--quick',
      '--only',
      'keepalive,memory,echo,startup',
      '--out',
      out,
    ]);
    expect(code, stderr).toBe(0);

    const results = JSON.parse(readFileSync(path.join(out, 'latest.json'), 'utf8'));
    expect(results.meta).toMatchObject({ schema: 1, quick: true, pairs: 1, node: process.versions.node });
    expect(['wrk', 'autocannon']).toContain(results.meta.generator.name);
    expect(Object.keys(results.scenarios).sort()).toEqual(['echo', 'keepalive', 'memory', 'startup']);

    const keepalive = results.scenarios.keepalive;
    expect(keepalive.pairs).toHaveLength(1);
    for (const side of ['node', 'shoal'] as const) {
      const run = keepalive.pairs[0][side];
      expect(run.side).toBe(side);
      expect(run.requests).toBeGreaterThan(0);
      expect(run.perWorker).toHaveLength(2);
      expect(
        run.perWorker.reduce((sum: number, worker: { requests: number }) => sum + worker.requests, 0),
      ).toBeGreaterThan(0);
      expect(Number.isFinite(run.generatorCpuMs)).toBe(true);
    }
    expect(keepalive.ratio.perPair).toHaveLength(1);
    expect(results.scenarios.echo.cases).toHaveLength(8);
    expect(results.scenarios.startup.rows.map((row: { workers: number }) => row.workers)).toEqual([2, 8]);
    expect(results.scenarios.memory.delta.primaryAfterStartupMb.n).toBe(1);

    const targets = results.targets as TargetRow[];
    const ids = targets.map((row) => row.id);
    expect(ids).toContain('keepalive');
    expect(ids).toContain('echo-advanced-object-10');
    expect(ids).toContain('startup-8');
    expect(ids).toContain('memory-primaryAfterStartupMb');
    expect(ids).not.toContain('churn');
    for (const row of targets) {
      expect(Number.isFinite(row.median), row.id).toBe(true);
      expect(typeof row.met, row.id).toBe('boolean');
    }

    const markdown = readFileSync(path.join(out, 'latest.md'), 'utf8');
    expect(stdout).toBe(markdown);
    expect(markdown).toContain('## Targets');
    expect(markdown).toContain('| figure | node:cluster | Shoal |');
    expect(markdown).toContain('## IPC echo');
    expect(markdown).not.toContain('## connection churn');

    const svg = readFileSync(path.join(out, 'latest.svg'), 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    // One bar per ratio figure.
    expect(svg.match(/<rect x=/g)).toHaveLength(targets.filter((row) => row.kind === 'ratio').length);
  });

  it('runs the supervision scenarios (reload, supervised-overhead, respawn)', {
    timeout: 180_000,
  }, async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'shoal-bench-'));
    tempDirs.push(out);
    const { code, stdout, stderr } = await runBench([
      '--quick',
      '--only',
      'reload,supervised-overhead,respawn',
      '--out',
      out,
    ]);
    expect(code, stderr).toBe(0);

    const results = JSON.parse(readFileSync(path.join(out, 'latest.json'), 'utf8'));
    expect(Object.keys(results.scenarios).sort()).toEqual(['reload', 'respawn', 'supervisedOverhead']);
    expect(results.targets).toEqual([]);

    const reload = results.scenarios.reload;
    expect(reload.rows.map((row: { workers: number }) => row.workers)).toEqual([2, 8]);
    for (const row of reload.rows) {
      // Every reload finished and reported; requests flowed through them.
      expect(row.reloadsTotal).toBe(reload.reloadsPerRun);
      expect(row.reloadsOk).toBe(row.reloadsTotal);
      expect(row.requestsDuring).toBeGreaterThan(0);
      expect(Number.isInteger(row.failedDuring)).toBe(true);
      expect(Number.isFinite(row.share.median)).toBe(true);
      expect(row.reloadMs.n).toBe(reload.reloadsPerRun);
    }

    const overhead = results.scenarios.supervisedOverhead;
    for (const load of [overhead.keepAlive, overhead.churn]) {
      expect(load.pairs).toHaveLength(1);
      expect(load.pairs[0].shoal.supervised).toBe(true);
      expect(load.pairs[0].node.supervised).toBe(false);
      expect(load.pairs[0].shoal.requests).toBeGreaterThan(0);
      expect(Number.isFinite(load.ratio.median)).toBe(true);
    }

    const respawn = results.scenarios.respawn;
    expect(respawn.kills).toBe(2);
    for (const kill of respawn.perKill) {
      expect(kill.exitSignal).toBe('SIGKILL');
      // The replacement came after the backoff the policy drew (first restart: 100 ms ± 20 %).
      expect(kill.backoffMs).toBeGreaterThanOrEqual(80);
      expect(kill.backoffMs).toBeLessThanOrEqual(120);
      expect(kill.killToReadyMs).toBeGreaterThan(kill.backoffMs);
    }

    const markdown = readFileSync(path.join(out, 'latest.md'), 'utf8');
    expect(stdout).toBe(markdown);
    expect(markdown).toContain('## rolling reloads under load');
    expect(markdown).toContain('## supervision overhead');
    expect(markdown).toContain('## respawn');
  });

  it('rejects an unknown scenario name', async () => {
    const { code, stderr } = await runBench(['--quick', '--only', 'nonsense']);
    expect(code).toBe(1);
    expect(stderr).toContain("unknown scenario 'nonsense'");
  });
});
