// Where the runner writes its reports: a --quick smoke run must never replace the committed figures.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const runner = fileURLToPath(new URL('../src/run.mjs', import.meta.url));
const results = fileURLToPath(new URL('../results', import.meta.url));

/** The output directory the runner would use for `args`, read in a Node process of its own (run.mjs is JS). */
function outDirFor(args: string[]): string {
  const program = `
    const { configFrom } = await import(${JSON.stringify(runner)});
    process.stdout.write(configFrom(JSON.parse(process.argv[1])).outDir);`;
  return execFileSync(process.execPath, ['--input-type=module', '-e', program, JSON.stringify(args)], {
    encoding: 'utf8',
    timeout: 20_000,
  });
}

describe('apps/bench output directory', () => {
  it('writes a full run to results/', () => {
    expect(outDirFor([])).toBe(results);
  });

  it('writes a --quick run to results/quick/, not over the committed figures', () => {
    expect(outDirFor(['--quick'])).toBe(path.join(results, 'quick'));
  });

  it('reads the options after the `--` that `pnpm bench -- --quick` passes on', () => {
    expect(outDirFor(['--', '--quick'])).toBe(path.join(results, 'quick'));
  });

  it('honours --out, with or without --quick', () => {
    const elsewhere = path.resolve('/tmp/shoal-bench-elsewhere');
    expect(outDirFor(['--quick', '--out', elsewhere])).toBe(elsewhere);
    expect(outDirFor(['--out', elsewhere])).toBe(elsewhere);
  });
});
