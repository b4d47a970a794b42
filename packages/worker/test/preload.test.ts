// The worker runtime's preload in real child processes: what a cluster worker sends, and where it stays inert.
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { ExtensionChannel, type LoadReport, type PeerInfo, type Transport } from '@shoal/protocol';
// The built preload: workers load dist/preload.cjs, which the sources (preload.cts) compile to.
import { workerRuntimePreload } from '@shoal/worker';
import { afterEach, describe, expect, it } from 'vitest';

const app = fileURLToPath(new URL('./fixtures/app.cjs', import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

function start(clusterWorkerId: string | undefined): ChildProcess {
  // Node treats any NODE_UNIQUE_ID, even an empty one, as "this is a cluster worker".
  const env = { ...process.env };
  delete env.NODE_UNIQUE_ID;
  if (clusterWorkerId !== undefined) env.NODE_UNIQUE_ID = clusterWorkerId;
  const child = fork(app, [], {
    execArgv: ['--require', workerRuntimePreload, '--no-warnings'],
    env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.push(child);
  return child;
}

function transportFor(child: ChildProcess): Transport {
  return {
    send: (message) => child.send(message as object),
    onMessage(listener) {
      child.on('internalMessage' as 'message', listener);
      return () => child.off('internalMessage' as 'message', listener);
    },
    onClose(listener) {
      child.once('disconnect', listener);
      return () => child.off('disconnect', listener);
    },
  };
}

function nextMessage(
  child: ChildProcess,
  test: (message: Record<string, unknown>) => boolean,
): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const onMessage = (message: Record<string, unknown>): void => {
      if (!test(message)) return;
      child.off('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
  });
}

describe('@shoal/worker preload', () => {
  it('in a cluster worker: handshakes, reports load, and hides itself from execArgv', async () => {
    const child = start('7');
    const started = nextMessage(child, (m) => m.app === 'started');
    const channel = new ExtensionChannel(transportFor(child), { role: 'primary', features: ['load'] });
    const hello = once(channel, 'hello') as Promise<[PeerInfo]>;
    channel.start();
    const [peer] = await hello;
    expect(peer).toMatchObject({ role: 'worker', features: ['load', 'drain'] });
    expect((await started).execArgv).toEqual(['--no-warnings']);
    const listening = nextMessage(child, (m) => typeof m.port === 'number');
    child.send('listen');
    const { port } = (await listening) as { port: number };
    const reports: LoadReport[] = [];
    channel.on('load', (load: LoadReport) => reports.push(load));
    const body = await new Promise<string>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, agent: false }, (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => {
            text += chunk;
          });
          response.on('end', () => resolve(text));
        })
        .on('error', reject);
    });
    expect(body).toBe('ok');
    while (!reports.some((r) => r.connections === 0 && r.requests === 0) || reports.length < 2) {
      await once(channel, 'load');
    }
    // Broken down per server: the one the app listens on, as server.address() gives it in the worker.
    const busy = reports.find((r) => r.connections === 1);
    expect(busy?.servers).toEqual([
      { address: '127.0.0.1', port, connections: 1, requests: expect.any(Number) },
    ]);
    expect(reports.find((r) => r.connections === 0 && r.requests === 0)?.servers).toEqual([
      { address: '127.0.0.1', port, connections: 0, requests: 0 },
    ]);
    channel.close();
  });

  it('outside a cluster worker: sends nothing of its own and still hides itself', async () => {
    const child = start(undefined);
    const internal: unknown[] = [];
    child.on('internalMessage' as 'message', (message: unknown) => internal.push(message));
    const started = await nextMessage(child, (m) => m.app === 'started');
    expect(started.execArgv).toEqual(['--no-warnings']);
    const listening = nextMessage(child, (m) => typeof m.port === 'number');
    child.send('listen');
    await listening;
    expect(internal.filter((m) => (m as { cmd?: string }).cmd === 'NODE_SHOAL')).toEqual([]);
  });
});
