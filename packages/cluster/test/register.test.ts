// @shoal/cluster/register: programs and libraries that import node:cluster themselves run on Shoal's primary.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { greeting, ProcessFixture } from '../../../tools/test-support/index.js';
import { fixture } from './fixture-path.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

describe.each([
  ['--import', 'register-app.mjs'],
  ['--require', 'register-app.cjs'],
])('node %s @shoal/cluster/register', (flag, app) => {
  it('routes node:cluster through Shoal, events included', async () => {
    const primary = ProcessFixture.start(fixture(app), {
      cwd: packageDir,
      nodeArgs: [flag, '@shoal/cluster/register'],
      env: { NODE_CLUSTER_SCHED_POLICY: 'least-connections' },
    });
    const started = await primary.waitForEvent('primary');
    expect(started).toMatchObject({ strategy: 'least-connections', workers: 1 });
    const listening = await primary.waitForEvent('listening', { id: 1 });
    expect(await greeting({ port: listening.port as number })).toBe('worker 1');
    const load = await primary.waitForEvent('load', { id: 1 });
    expect(load.load).toMatchObject({ requests: 0 });
  });
});

describe('register after listeners were attached', () => {
  it('moves them to the built-in object and adds none of its own', async () => {
    const primary = ProcessFixture.start(fixture('register-late.mjs'), { cwd: packageDir });
    const registered = await primary.waitForEvent('registered');
    expect(registered).toEqual({ event: 'registered', setupListeners: 0, forkListeners: 1 });
    expect((await primary.waitForEvent('fork')).id).toBe(1);
    expect((await primary.waitForEvent('online')).id).toBe(1);
  });
});

describe('register is inert where it has nothing to do', () => {
  it('leaves node:cluster alone in a worker thread', async () => {
    const script = [
      "const { Worker } = require('node:worker_threads');",
      "const code = `require('@shoal/cluster/register'); const c = require('node:cluster');",
      "require('node:worker_threads').parentPort.postMessage(typeof c.strategy);`;",
      "new Worker(code, { eval: true }).once('message', (kind) => {",
      "  console.log(JSON.stringify({ event: 'thread', strategy: kind })); process.exit(0); });",
    ].join('\n');
    const primary = ProcessFixture.start('-e', { cwd: packageDir, args: [script] });
    expect((await primary.waitForEvent('thread')).strategy).toBe('undefined');
  });
});
