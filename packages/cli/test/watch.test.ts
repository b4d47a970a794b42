// --watch: a change under the app's directory reloads the workers (rolling); node_modules and dotfiles do not.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, freePort, ShoalRun, tempDir, testEnv } from './support.js';

describe('shoal run --watch', () => {
  it('reloads when a file changes', async () => {
    const dir = tempDir();
    const app = path.join(dir, 'app.cjs');
    copyFileSync(fixture('app.cjs'), app);
    mkdirSync(path.join(dir, 'node_modules'));
    const port = await freePort();
    const run = new ShoalRun(['run', app, '-i', '1', '--watch'], { env: testEnv({ PORT: String(port) }) });
    await run.waitForEvent('ready', {}, 20_000);
    await run.waitForEvent('watching', { dir });
    const firstPid = run.named('worker-ready')[0]?.pid;
    // Ignored changes first, then one that counts: the reload names only the latter.
    writeFileSync(path.join(dir, 'node_modules', 'dep.js'), '');
    writeFileSync(path.join(dir, '.env.swp'), '');
    writeFileSync(path.join(dir, 'routes.js'), 'module.exports = {};\n');
    const change = await run.waitForEvent('watch-change', {}, 10_000);
    expect(change.files).toEqual(['routes.js']);
    const end = await run.waitForEvent('reload-end', {}, 15_000);
    expect(end.ok).toBe(true);
    const ready = run.named('worker-ready');
    expect(ready.at(-1)?.pid).not.toBe(firstPid);
  });
});
