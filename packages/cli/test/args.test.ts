// Flag parsing and value checks: what each flag becomes, and the errors that name what was wrong.
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../src/args/parse.js';
import { parseRunArgs, settingsFromConfig } from '../src/args/run-args.js';
import { UsageError } from '../src/args/usage-error.js';
import { hostPortValue, splitArgs } from '../src/args/values.js';

describe('parseRunArgs', () => {
  it('reads every run flag, with the app and what follows --', () => {
    const line = parseRunArgs([
      'app.js',
      '-i',
      '3',
      '--strategy',
      'least-connections',
      '--ready',
      '--metrics',
      '0.0.0.0:9100',
      '--env-file=.env',
      '--node-args',
      "--max-old-space-size=100 --title='a b'",
      '--watch',
      '--raw',
      '--log-file',
      'out.log',
      '--name',
      'web',
      '--',
      '--port',
      '1',
    ]);
    expect(line.help).toBe(false);
    expect(line.settings).toEqual({
      app: 'app.js',
      instances: 3,
      strategy: 'least-connections',
      ready: true,
      metrics: { host: '0.0.0.0', port: 9100 },
      envFile: '.env',
      nodeArgs: ['--max-old-space-size=100', '--title=a b'],
      watch: true,
      raw: true,
      logFile: 'out.log',
      name: 'web',
      args: ['--port', '1'],
    });
  });

  it('reads the shutdown durations, with or without a unit, from flags or a config file', () => {
    const line = parseRunArgs([
      'a.js',
      '--shutdown-delay',
      '5s',
      '--shutdown-timeout=1m',
      '--drain-timeout',
      '1500',
    ]);
    expect(line.settings).toMatchObject({ shutdownDelay: 5000, shutdownTimeout: 60_000, drainTimeout: 1500 });
    expect(settingsFromConfig({ shutdownDelay: 250, drainTimeout: '2s' }, 'f.json')).toEqual({
      shutdownDelay: 250,
      drainTimeout: 2000,
    });
    expect(() => parseRunArgs(['a.js', '--shutdown-delay', 'soon'])).toThrow(
      /--shutdown-delay must be a duration/,
    );
    expect(() => parseRunArgs(['a.js', '--drain-timeout', '-1s'])).toThrow(UsageError);
    expect(() => parseRunArgs(['a.js', '--shutdown-timeout', '99999999m'])).toThrow(/too long/);
  });

  it('reads --route-by as a list of sources, from a flag or a config file', () => {
    expect(parseRunArgs(['a.js', '--route-by', 'query:sid, cookie:io,proxy']).settings.routeBy).toEqual([
      'query:sid',
      'cookie:io',
      'proxy',
    ]);
    expect(settingsFromConfig({ routeBy: ['header:x-forwarded-for'] }, 'f.json').routeBy).toEqual([
      'header:x-forwarded-for',
    ]);
    expect(() => parseRunArgs(['a.js', '--route-by', 'cookie:io,,proxy'])).toThrow('entry 2 is empty');
    expect(parseRunArgs(['a.js', '--proxy-from', '10.0.0.5, ::1']).settings.proxyFrom).toEqual([
      '10.0.0.5',
      '::1',
    ]);
    expect(() => parseRunArgs(['a.js', '--proxy-from', 'haproxy.local'])).toThrow('is not an IP address');
    expect(settingsFromConfig({ proxyFrom: ['10.0.0.5'] }, 'f.json').proxyFrom).toEqual(['10.0.0.5']);
    expect(() => settingsFromConfig({ routeBy: [] }, 'f.json')).toThrow('must list routing key sources');
  });

  it('takes -i max, and --metrics with only a port binds 127.0.0.1', () => {
    expect(parseRunArgs(['a.js', '-i', 'max']).settings.instances).toBe('max');
    expect(parseRunArgs(['a.js', '--metrics', '9100']).settings.metrics).toEqual({
      host: '127.0.0.1',
      port: 9100,
    });
    expect(hostPortValue('[::1]:80', 'x')).toEqual({ host: '::1', port: 80 });
  });

  it.each([
    [['a.js', '--bogus'], /unknown flag --bogus/],
    [['a.js', '-x'], /unknown flag -x/],
    [['a.js', '-i', 'zero'], /-i\/--instances must be 'max' or a whole number/],
    [['a.js', '-i', '0'], /-i\/--instances/],
    [['a.js', '--metrics', 'host:99999'], /--metrics must be \[HOST:\]PORT/],
    [['a.js', '--name'], /flag --name needs a value/],
    [['a.js', '--name', '--watch'], /flag --name needs a value/],
    [['a.js', '--name', '../x'], /--name must be letters/],
    [['a.js', '--watch=yes'], /flag --watch takes no value/],
    [['a.js', 'b.js'], /unexpected argument "b.js"/],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseRunArgs(argv)).toThrow(UsageError);
    expect(() => parseRunArgs(argv)).toThrow(message);
  });

  it('keeps positionals apart from flags in any order', () => {
    expect(
      parseArgs(
        ['--json', 'x', '--name', 'n'],
        [
          { name: 'json', type: 'boolean' },
          { name: 'name', type: 'string' },
        ],
        't',
      ),
    ).toEqual({
      flags: { json: true, name: 'n' },
      positionals: ['x'],
      rest: [],
    });
  });
});

describe('settingsFromConfig', () => {
  it('checks each key and names an unknown one', () => {
    expect(
      settingsFromConfig({ instances: 2, nodeArgs: '--a --b', env: { A: 1 } }, 'shoal.config.json'),
    ).toEqual({
      instances: 2,
      nodeArgs: ['--a', '--b'],
      env: { A: '1' },
    });
    expect(() => settingsFromConfig({ instance: 2 }, 'shoal.config.json')).toThrow(
      /shoal.config.json: unknown key 'instance'/,
    );
    expect(() => settingsFromConfig({ watch: 'yes' }, 'shoal.config.json')).toThrow(
      /'watch' must be true or false/,
    );
  });
});

describe('splitArgs', () => {
  it('splits like a shell for plain and quoted words', () => {
    expect(splitArgs(' --a  "b c" \'\' d')).toEqual(['--a', 'b c', '', 'd']);
    expect(() => splitArgs('"open')).toThrow(/unbalanced/);
  });
});
