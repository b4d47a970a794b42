// The UDP example with real datagrams: every datagram is echoed, by one of the workers, to its sender, also
// when several clients send at once; SIGTERM then stops the cluster cleanly.
import dgram from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { datagram } from '../../../tools/test-support/index.js';
import { expectCleanExit, startExample } from './support.js';

/** A client that sends `count` datagrams at once and resolves with the replies (sorted) once all are back. */
async function burst(port: number, client: number, count: number): Promise<string[]> {
  const socket = dgram.createSocket('udp4');
  try {
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const replies: string[] = [];
    const all = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`client ${client}: ${replies.length} of ${count} replies within 10 s`)),
        10_000,
      );
      socket.on('message', (message) => {
        replies.push(String(message));
        if (replies.length < count) return;
        clearTimeout(timer);
        resolve();
      });
    });
    for (let n = 0; n < count; n++) socket.send(`client ${client} datagram ${n}`, port, '127.0.0.1');
    await all;
    return replies.sort();
  } finally {
    socket.close();
  }
}

describe('udp-cluster example', () => {
  it('echoes datagrams from the workers that share the socket, to several clients at once', async () => {
    const app = startExample('udp-cluster.js', { WORKERS: '2' });
    const bound = await app.waitForCount('listening', 2);
    const port = bound[0]!.port as number;
    expect(bound.map((event) => event.port)).toEqual([port, port]);
    expect(bound.map((event) => event.addressType)).toEqual(['udp4', 'udp4']);
    const pids = new Set(bound.map((event) => event.workerPid as number));

    const reply = await datagram(port, 'hello');
    const [, pid, text] = reply.match(/^worker (\d+): (.*)$/) ?? [];
    expect(pids).toContain(Number(pid));
    expect(text).toBe('hello');

    // Which worker reads a datagram is the kernel's choice, so only the sender and the text are checked.
    const clients = await Promise.all([0, 1, 2].map((client) => burst(port, client, 20)));
    for (const [client, replies] of clients.entries()) {
      const texts = replies.map((line) => {
        const [, from, said] = line.match(/^worker (\d+): (.*)$/) ?? [];
        expect(pids).toContain(Number(from));
        return said;
      });
      expect(texts.sort()).toEqual(
        Array.from({ length: 20 }, (_, n) => `client ${client} datagram ${n}`).sort(),
      );
    }

    app.child.kill('SIGTERM');
    await expectCleanExit(app);
    expect(app.named('worker-exit').map((event) => event.code)).toEqual([0, 0]);
  });
});
