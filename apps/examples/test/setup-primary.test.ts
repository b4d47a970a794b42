// setup-primary.js: cluster.setupPrimary() with exec, args and silent, the 'setup' event and cluster.settings.
import { describe, expect, it } from 'vitest';
import { exampleScript, expectCleanExit, type FixtureEvent, only, startExample } from './support.js';

describe("setup-primary.js (cluster.setupPrimary(), 'setup' event, cluster.settings)", () => {
  it('starts each worker from the exec script with the args of its time, silently, with cumulative settings', async () => {
    const app = startExample('setup-primary.js');
    await app.waitForCount('exit', 2);
    await expectCleanExit(app);
    const workerScript = exampleScript('setup-primary-worker.js');

    expect(only(app, 'settings-before').settings).toEqual({});
    const after = only(app, 'settings-after');
    // `silent` was only given to the first call, and still holds after the second.
    expect(after.settings).toEqual({
      args: ['--use', 'http'],
      exec: workerScript,
      execArgv: [],
      silent: true,
    });
    expect(after.ids).toEqual({ https: 1, http: 2 });

    // Node emits 'setup' for each setupPrimary() call and again from each fork() (which calls setupPrimary()
    // itself), every time with the settings of that moment.
    const setups = app.named('setup').map((event) => event.settings as Record<string, unknown>);
    expect(setups.map((settings) => settings.args)).toEqual([
      ['--use', 'https'],
      ['--use', 'https'],
      ['--use', 'http'],
      ['--use', 'http'],
    ]);
    for (const settings of setups) expect(settings).toMatchObject({ exec: workerScript, silent: true });

    // Silent workers: their output reached the primary through a pipe, and our stdout only via the relay.
    expect(app.named('worker-started')).toEqual([]);
    const startedBy = (id: number): FixtureEvent => {
      const lines = app.named('relayed').filter((event) => event.id === id);
      expect(lines.map((event) => event.line)).toContain(
        `worker #${id} would serve ${id === 1 ? 'https' : 'http'}`,
      );
      const json = lines.map((event) => String(event.line)).find((line) => line.startsWith('{'));
      return JSON.parse(json!) as FixtureEvent;
    };
    expect(startedBy(1)).toMatchObject({
      event: 'worker-started',
      id: 1,
      isWorker: true,
      script: workerScript,
      args: ['--use', 'https'],
      protocol: 'https',
      stdoutIsTTY: false,
    });
    expect(startedBy(2)).toMatchObject({
      id: 2,
      script: workerScript,
      args: ['--use', 'http'],
      protocol: 'http',
    });
    for (const id of [1, 2]) expect(only(app, 'exit', { id })).toMatchObject({ code: 0, signal: null });
  });
});
