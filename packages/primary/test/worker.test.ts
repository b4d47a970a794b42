// The primary's Worker object over a real child process.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Worker } from '../src/worker.js';

const echo = fileURLToPath(new URL('./fixtures/echo-child.mjs', import.meta.url));
const children: ReturnType<typeof fork>[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

describe('Worker', () => {
  it('can be made without a process, with or without new, as node:cluster allows', () => {
    const bare = new Worker();
    expect(bare).toMatchObject({
      id: 0,
      state: 'none',
      exitedAfterDisconnect: undefined,
      process: undefined,
    });
    const called = Worker({ id: 5, state: 'online' });
    expect(called).toBeInstanceOf(Worker);
    expect(called).toMatchObject({ id: 5, state: 'online' });
  });

  it('sends and receives messages, reports connected/dead, and kill() only signals', async () => {
    const child = fork(echo, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    children.push(child);
    let disconnectRequested = false;
    const worker = new Worker({ id: 1, process: child }, () => {
      disconnectRequested = true;
    });
    worker.send({ hello: 'there' });
    const [message] = await once(worker, 'message');
    expect(message).toEqual({ echo: { hello: 'there' } });
    expect(worker.isConnected()).toBe(true);
    expect(worker.isDead()).toBe(false);
    worker.kill('SIGTERM');
    await once(child, 'exit');
    expect(worker.isDead()).toBe(true);
    expect(worker.exitedAfterDisconnect).toBeUndefined();
    expect(disconnectRequested).toBe(false);
    worker.disconnect();
    expect(disconnectRequested).toBe(true);
  });
});
