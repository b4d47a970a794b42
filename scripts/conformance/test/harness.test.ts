// End-to-end test of the conformance harness (scripts/conformance/main.mjs) on a tiny fake Node test folder
// written here: one test passing on both, one whose worker fails only under Shoal, one skipping itself, one
// failing on node:cluster too, and one that is not cluster-related. Needs the built packages (pnpm build).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ProcessFixture } from '../../../tools/test-support/index.js';

const harness = fileURLToPath(new URL('../main.mjs', import.meta.url));

const fakeTests: Record<string, string> = {
  'common/index.js': `'use strict';
exports.skip = (why) => { console.log('1..0 # Skipped: ' + why); process.exit(0); };
`,
  'fixtures/README': 'nothing here\n',
  // ESM, so the `import ... from` rewrite is exercised.
  'parallel/test-cluster-fake-pass.mjs': `import assert from 'node:assert';
import cluster from 'node:cluster';
if (cluster.isPrimary) {
  const worker = cluster.fork();
  worker.on('message', (message) => {
    assert.strictEqual(message, 'hello');
    worker.disconnect();
  });
  worker.on('exit', (code) => assert.strictEqual(code, 0));
} else {
  process.send('hello');
}
`,
  // Shoal's primary has a \`strategy\`, node:cluster's has not: the worker throws only under Shoal, and the
  // primary exits 0 either way, so only the error in the log tells.
  'parallel/test-cluster-fake-strategy.js': `'use strict';
require('../common');
const cluster = require('cluster');
if (cluster.isPrimary) {
  cluster.fork({ FAKE_STRATEGY_SEEN: String(cluster.strategy !== undefined) });
} else {
  if (process.env.FAKE_STRATEGY_SEEN === 'true') throw new Error('the primary has a strategy');
  process.exit(0);
}
`,
  'parallel/test-cluster-fake-broken.js': `'use strict';
require('cluster');
process.exit(3);
`,
  'sequential/test-net-fake-skip.js': `'use strict';
const common = require('../common');
require('node:cluster');
common.skip('fake reason');
`,
  // Mentions clusters, but never loads the module: not selected.
  'parallel/test-fake-unrelated.js': `'use strict';
// Not about clusters at all.
process.exit(1);
`,
};

const tempDirs: string[] = [];
const harnesses: ProcessFixture[] = [];

afterEach(async () => {
  // SIGTERM first: the harness then kills the tests it started (each runs in its own process group).
  for (const fixture of harnesses.splice(0)) {
    if (fixture.child.exitCode === null && fixture.child.signalCode === null) {
      fixture.child.kill('SIGTERM');
      await fixture.waitForExit(10_000).catch(() => fixture.kill());
    }
  }
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function writeFakeTestFolder(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'shoal-fake-node-tests-'));
  tempDirs.push(dir);
  for (const [file, text] of Object.entries(fakeTests)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

async function runHarness(args: string[]): Promise<{ code: number | null; lines: string[] }> {
  const logs = mkdtempSync(path.join(os.tmpdir(), 'shoal-fake-conformance-logs-'));
  tempDirs.push(logs);
  const fixture = ProcessFixture.start(harness, { args: [...args, '--logs', logs, '--timeout', '20'] });
  harnesses.push(fixture);
  const { code } = await fixture.waitForExit(25_000);
  return { code, lines: fixture.output };
}

describe('pnpm conformance', () => {
  it('selects the cluster tests, passes, skips, and fails a test whose worker errs only under Shoal', async () => {
    const { code, lines } = await runHarness([writeFakeTestFolder()]);
    const text = lines.join('\n');
    expect(text).toContain('Selected 4 cluster-related tests');
    expect(text).toContain('Rewrote 4 cluster reference(s) in 4 file(s)');
    expect(lines).toContainEqual(expect.stringMatching(/^PASS test-cluster-fake-pass\.mjs /));
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^FAIL test-cluster-fake-strategy\.js \(hidden error: Error: the primary has a strategy; log: .*strategy\.log\)$/,
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^SKIP test-cluster-fake-broken\.js \(fails on node:cluster: exit 3; log: /),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^SKIP test-net-fake-skip\.js \(fake reason; log: /));
    expect(text).not.toContain('test-fake-unrelated');
    expect(lines.slice(-2)).toEqual(['2 skipped', '1 passed, 1 failed']);
    expect(code).toBe(1);
  });

  it('exits 0 when the only failures are allowed, and runs only the tests the filters name', async () => {
    const { code, lines } = await runHarness([
      writeFakeTestFolder(),
      'strategy',
      '--allow-fail',
      'test-cluster-fake-strategy',
    ]);
    expect(lines).toContain('Running 1 of them (name filters)');
    expect(lines).toContainEqual(
      expect.stringMatching(/^FAIL test-cluster-fake-strategy\.js .*\[allowed\]$/),
    );
    expect(lines.slice(-2)).toEqual(['0 skipped', '0 passed, 1 failed']);
    expect(code).toBe(0);
  });
});
