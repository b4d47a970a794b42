// The PM2 comparison installs PM2 from the npm registry: it must run only when named, never in the default set
// or in --quick (CI's smoke run), and its name must still be accepted by --only.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const runner = fileURLToPath(new URL('../src/run.mjs', import.meta.url));

/** The scenarios the runner would run for `args`, read in a Node process of its own (run.mjs is JS). */
function scenariosFor(args: string[]): string[] {
  const program = `
    const { configFrom } = await import(${JSON.stringify(runner)});
    process.stdout.write(JSON.stringify(configFrom(JSON.parse(process.argv[1])).only));`;
  return JSON.parse(
    execFileSync(process.execPath, ['--input-type=module', '-e', program, JSON.stringify(args)], {
      encoding: 'utf8',
      timeout: 20_000,
    }),
  );
}

describe('apps/bench pm2 scenario', () => {
  it('is not in the default set, nor in --quick', () => {
    expect(scenariosFor([])).not.toContain('pm2');
    expect(scenariosFor(['--quick'])).not.toContain('pm2');
    expect(scenariosFor([])).toContain('keepalive');
  });

  it('runs when named with --only', () => {
    expect(scenariosFor(['--only', 'pm2'])).toEqual(['pm2']);
    expect(scenariosFor(['--only', 'churn,pm2'])).toEqual(['churn', 'pm2']);
  });
});
