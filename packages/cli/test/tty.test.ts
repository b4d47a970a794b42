// The live view on a terminal (through `script`'s pseudo-terminal): the status table instead of JSON lines.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bin, fixture, freePort, shoal, testEnv } from './support.js';

const script = '/usr/bin/script';

describe.skipIf(!existsSync(script) || process.platform !== 'linux')('shoal run on a terminal', () => {
  it('draws the status table and the events as text, no JSON', async () => {
    const port = await freePort();
    const env = testEnv({ PORT: String(port), COLUMNS: '120' });
    const command = `${process.execPath} ${bin} run ${fixture('app.cjs')} -i 1`;
    const child = spawn(script, ['-q', '-e', '-c', command, '/dev/null'], {
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    let screen = '';
    const waiters = new Set<() => void>();
    child.stdout.on('data', (chunk: Buffer) => {
      screen += chunk.toString();
      for (const waiter of [...waiters]) waiter();
    });
    const seen = (text: string, timeoutMs: number): Promise<void> =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (!screen.includes(text)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no ${JSON.stringify(text)} on the terminal within ${timeoutMs} ms:\n${screen}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await seen('1/1 workers ready · ready', 20_000);
      expect(screen).toMatch(
        /worker\s+pid\s+state\s+uptime\s+restarts\s+conns\s+reqs\s+req\/s\s+rss\s+heap\s+loop delay/,
      );
      // The worker's own line travels through its stdout pipe: it may show up after the view says ready.
      await seen('[0] cjs app listening on', 10_000);
      expect(await shoal(['stop'], { env, timeoutMs: 20_000 })).toMatchObject({ code: 0 });
      await seen('shut down in', 10_000);
      expect(await exited).toBe(0);
      expect(screen).not.toContain('{"event"');
    } finally {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  });
});
