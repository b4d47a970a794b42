// The command line's own answers: help, version, bad flags (exit 2, naming the flag), a missing app.
import { describe, expect, it } from 'vitest';
import { fixture, shoal, testEnv } from './support.js';

describe('shoal usage', () => {
  it('exits 2 naming an unknown flag, a bad value, or an unknown command', async () => {
    const env = testEnv();
    const results = await Promise.all([
      shoal(['run', 'app.js', '--bogus'], { env }),
      shoal(['run', 'app.js', '-i', 'lots'], { env }),
      shoal(['status', '--all'], { env }),
      shoal(['frobnicate'], { env }),
      shoal(['scale'], { env }),
    ]);
    expect(results.map((r) => r.code)).toEqual([2, 2, 2, 2, 2]);
    expect(results[0]?.stderr).toBe("shoal: unknown flag --bogus for 'shoal run' (see shoal run --help)");
    expect(results[1]?.stderr).toMatch(/^shoal: -i\/--instances must be 'max' or a whole number/);
    expect(results[2]?.stderr).toMatch(/unknown flag --all for 'shoal status'/);
    expect(results[3]?.stderr).toMatch(/unknown command 'frobnicate'/);
    expect(results[4]?.stderr).toMatch(/shoal scale needs the number of workers/);
    for (const result of results) expect(result.stdout).toBe('');
  });

  it('exits 2 for a routing source no strategy knows, or --route-by with another strategy', async () => {
    const env = testEnv();
    const app = fixture('app.mjs');
    const [unknown, other] = await Promise.all([
      shoal(['run', app, '-i', '1', '--name', 'route-a', '--route-by', 'color:blue'], { env }),
      shoal(
        ['run', app, '-i', '1', '--name', 'route-b', '--route-by', 'cookie:sid', '--strategy', 'round-robin'],
        {
          env,
        },
      ),
    ]);
    expect([unknown.code, other.code]).toEqual([2, 2]);
    expect(unknown.stderr).toMatch(/^shoal: --route-by color:blue: /);
    expect(other.stderr).toMatch(/--route-by needs --strategy consistent-hash/);
  });

  it('prints help for every command and the version', async () => {
    const env = testEnv();
    const commands = ['run', 'status', 'reload', 'scale', 'stop'];
    const helps = await Promise.all(commands.map((command) => shoal([command, '--help'], { env })));
    helps.forEach((result, i) => {
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^Usage: shoal ${commands[i]}`));
    });
    const top = await shoal(['--help'], { env });
    expect(top.stdout).toMatch(/^Usage: shoal <command>/);
    expect((await shoal(['--version'], { env })).stdout).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('says when the app file is missing, and when no cluster is running', async () => {
    const env = testEnv();
    const missing = await shoal(['run', 'no-such-app.js'], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^shoal: \S*no-such-app\.js: no such file$/);
    const none = await shoal(['status'], { env });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^shoal: no shoal cluster is running/);
  });
});
