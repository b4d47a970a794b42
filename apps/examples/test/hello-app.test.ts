// The quick start's main command: the unmodified seed app under `shoal run`, served by every worker.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePort, get, ProcessFixture } from '../../../tools/test-support/index.js';

const shoal = fileURLToPath(new URL('../../../packages/cli/dist/bin.js', import.meta.url));
const app = fileURLToPath(new URL('../src/hello-app.js', import.meta.url));

describe('hello-app under shoal run', () => {
  it('serves from two workers, prefixes their output, and stops in order on SIGTERM', async () => {
    const port = await freePort();
    const run = ProcessFixture.start(shoal, {
      args: ['run', app, '-i', '2', '--name', `hello-app-test-${port}`],
      env: { PORT: String(port) },
      stderrEvents: true,
    });
    await run.waitForCount('worker-ready', 2);
    const workers = new Set<string>();
    for (let i = 0; i < 30 && workers.size < 2; i++) {
      const reply = await get(port);
      expect(reply.body).toBe('hello world\n');
      workers.add(String(reply.headers['x-worker']).split(' ')[0] as string);
    }
    expect(workers).toEqual(new Set(['0', '1']));
    run.child.kill('SIGTERM');
    expect(await run.waitForExit()).toEqual({ code: 0, signal: null });
    // The app's own lines, each with its worker's index; Shoal's events went to stderr only.
    expect(run.output).toContain(`[0] listening on http://127.0.0.1:${port}`);
    expect(run.output).toContain(`[1] listening on http://127.0.0.1:${port}`);
    expect(run.output.filter((line) => line.startsWith('{'))).toEqual([]);
  });
});
