// Flags that shape the workers: --env-file, --node-args and --log-file, on a real run.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { get } from '../../../tools/test-support/index.js';
import { fixture, freePort, ShoalRun, tempDir, testEnv } from './support.js';

describe('shoal run worker options', () => {
  it('gives workers the env file and Node flags, and appends their output to the log file', async () => {
    const dir = tempDir();
    const envFile = path.join(dir, 'app.env');
    const logFile = path.join(dir, 'app.log');
    writeFileSync(envFile, 'GREETING="hi there"\n');
    const port = await freePort();
    const run = new ShoalRun(
      [
        'run',
        fixture('env-app.cjs'),
        '-i',
        '1',
        '--env-file',
        envFile,
        '--node-args',
        '--max-old-space-size=128 --no-warnings',
        '--log-file',
        logFile,
      ],
      { env: testEnv({ PORT: String(port) }) },
    );
    await run.waitForEvent('ready', {}, 20_000);
    const answer = JSON.parse((await get(port)).body);
    expect(answer.greeting).toBe('hi there');
    expect(answer.execArgv).toEqual(expect.arrayContaining(['--max-old-space-size=128', '--no-warnings']));
    await run.until(() => run.stdout.length > 0 || undefined, 5_000, 'app output');
    run.signal('SIGTERM');
    expect((await run.waitForExit()).code).toBe(0);
    // Written synchronously before the exit: the log is complete once the process is gone.
    expect(readFileSync(logFile, 'utf8')).toBe('[0] greeting hi there\n');
  });
});
