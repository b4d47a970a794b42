import { afterEach, describe, expect, it } from 'vitest';
import { mergeSettings } from '../src/settings.js';

describe('mergeSettings', () => {
  const argv = process.argv;
  afterEach(() => {
    process.argv = argv;
  });

  it('fills Node’s defaults from this process', () => {
    process.argv = ['/usr/bin/node', '/app/main.js', '--port', '80'];
    expect(mergeSettings({}, undefined)).toEqual({
      args: ['--port', '80'],
      exec: '/app/main.js',
      execArgv: process.execArgv,
      silent: false,
    });
  });

  it('is cumulative: later options override, earlier ones stay', () => {
    const first = mergeSettings({}, { exec: 'worker.js', args: ['a'] });
    const second = mergeSettings(first, { silent: true });
    expect(second).toMatchObject({ exec: 'worker.js', args: ['a'], silent: true });
  });

  it('gives each process its own V8 log when profiling', () => {
    expect(mergeSettings({}, { execArgv: ['--prof'] }).execArgv).toEqual(['--prof', '--logfile=v8-%p.log']);
    expect(mergeSettings({}, { execArgv: ['--prof', '--logfile=x.log'] }).execArgv).toEqual([
      '--prof',
      '--logfile=x.log',
    ]);
  });
});
