// Runs the seed example for real: a primary with two workers on an ephemeral port, real HTTP requests.
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../src/hello-world.js', import.meta.url));

interface Running {
  child: ChildProcess;
  lines: string[];
  /** Resolves with the first `count` output lines (so far or to come) matching `re`; rejects on exit or timeout. */
  waitFor(re: RegExp, count?: number, timeoutMs?: number): Promise<RegExpMatchArray[]>;
}

let running: Running | undefined;

afterEach(() => {
  const child = running?.child;
  running = undefined;
  if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(-child.pid, 'SIGTERM'); // the whole process group: primary and workers
    } catch {
      // already gone
    }
  }
});

function start(env: Record<string, string>): Running {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // own process group, so afterEach can kill primary and workers together
  });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  let stderr = '';
  let buffered = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    lines.push(...parts);
    for (const wake of waiters) wake();
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.on('exit', () => {
    for (const wake of waiters) wake();
  });

  const waitFor = (re: RegExp, count = 1, timeoutMs = 10_000) =>
    new Promise<RegExpMatchArray[]>((resolve, reject) => {
      const matches: RegExpMatchArray[] = [];
      let seen = 0;
      const check = () => {
        for (; seen < lines.length; seen++) {
          const m = lines[seen]!.match(re);
          if (m) matches.push(m);
          if (matches.length === count) return done(() => resolve(matches));
        }
        if (child.exitCode !== null || child.signalCode !== null)
          fail(`example exited before printing ${re}`);
      };
      const fail = (why: string) =>
        done(() => reject(new Error(`${why}\nstdout:\n${lines.join('\n')}\nstderr:\n${stderr}`)));
      const timer = setTimeout(() => fail(`timed out waiting for ${count} × ${re}`), timeoutMs);
      const done = (settle: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        settle();
      };
      waiters.add(check);
      check();
    });

  running = { child, lines, waitFor };
  return running;
}

function get(url: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    // agent: false → a new connection per request, so the cluster gets to pick a worker each time
    const req = http.get(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

describe('hello-world example', () => {
  it('runs a primary and two workers that share one port and answer "hello world"', async () => {
    const app = start({ PORT: '0', WORKERS: '2' });

    const [primary] = await app.waitFor(/^Primary (\d+) is running$/);
    expect(Number(primary![1])).toBe(app.child.pid);

    const [first, second] = await app.waitFor(/^Worker (\d+) listening on (http:\/\/127\.0\.0\.1:(\d+))$/, 2);
    if (!first || !second) throw new Error('unreachable');
    const workerPids = new Set([Number(first[1]), Number(second[1])]);
    expect(workerPids.size).toBe(2);
    expect(workerPids.has(app.child.pid!)).toBe(false);
    expect(second[3]).toBe(first[3]); // one shared port
    expect(Number(first[3])).toBeGreaterThan(0);
    for (const pid of workerPids) expect(app.lines).toContain(`Worker ${pid} started`);

    const servedBy = new Set<number>();
    for (let i = 0; i < 6; i++) {
      const res = await get(`${first[2]}/`);
      expect(res.status).toBe(200);
      expect(res.body).toBe('hello world\n');
      const pid = Number(res.headers['x-worker-pid']);
      expect(workerPids).toContain(pid);
      servedBy.add(pid);
    }
    // New connections are spread round-robin, so six of them reach both workers.
    expect(servedBy).toEqual(workerPids);
  });

  it('has the primary report a worker that exits', async () => {
    const app = start({ PORT: '0', WORKERS: '1' });
    const [listening] = await app.waitFor(/^Worker (\d+) listening on /);
    const pid = listening![1];
    process.kill(Number(pid), 'SIGTERM');
    await app.waitFor(new RegExp(`^Worker ${pid} exited \\(signal SIGTERM\\)$`));
  });

  it('rejects a WORKERS value that is not a positive integer', async () => {
    const app = start({ PORT: '0', WORKERS: 'many' });
    const code = await new Promise<number | null>((resolve) => app.child.on('exit', resolve));
    expect(code).toBe(1);
  });
});
