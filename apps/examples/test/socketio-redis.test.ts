// Socket.IO broadcasts across two Shoal "hosts" (shoal run clusters on 127.0.0.2 and 127.0.0.3, two workers each)
// through a real Redis and @socket.io/redis-adapter: a broadcast one worker sends reaches every client of every
// worker on both hosts, each exactly once.
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { redisBinary, requireBinary, startRedis } from '../../../tools/test-support/index.js';
import { type ShoalHost, startHost } from './multi-host.js';

const app = fileURLToPath(new URL('../src/socketio-redis-app.js', import.meta.url));

interface Hello {
  host: string;
  worker: string;
  pid: number;
}

interface News {
  id: string;
  from: { host: string; worker: string };
}

interface Client {
  socket: Socket;
  /** Who serves it (the app's greeting). */
  hello: Hello;
  news: News[];
  /** Resolves once `news` holds an item with this id. */
  received(id: string): Promise<void>;
}

/** A WebSocket-only client of one host, resolved once the worker serving it has said hello. */
function connect(host: ShoalHost, timeoutMs = 5000): Promise<Client> {
  const socket = io(`http://${host.address}:${host.port}`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    timeout: timeoutMs,
  });
  const news: News[] = [];
  const waiters = new Map<string, () => void>();
  socket.on('news', (item: News) => {
    news.push(item);
    waiters.get(item.id)?.();
  });
  const received = (id: string) =>
    news.some((item) => item.id === id)
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`no news '${id}' within ${timeoutMs} ms`)),
            timeoutMs,
          );
          waiters.set(id, () => {
            clearTimeout(timer);
            resolve();
          });
        });
  return new Promise((resolve, reject) => {
    socket.once('hello', (hello: Hello) => resolve({ socket, hello, news, received }));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

describe('Socket.IO with the Redis adapter on two shoal hosts', () => {
  it('delivers a broadcast from one worker to the clients of every worker on both hosts, exactly once', async (context) => {
    requireBinary(context, 'redis-server', redisBinary);
    const redis = await startRedis();
    const env = { REDIS_URL: redis.url };
    const hosts = await Promise.all([
      startHost(app, { name: 'a', address: '127.0.0.2', env }),
      startHost(app, { name: 'b', address: '127.0.0.3', env }),
    ]);
    // Every worker subscribed before it listened (see the app): four connections hold the adapter's pattern.
    const subscribers = (await redis.command('CLIENT', 'LIST'))
      .split('\n')
      .filter((line) => /\bpsub=1\b/.test(line));
    expect(subscribers).toHaveLength(4);

    const clients: Client[] = [];
    try {
      // Round robin spreads a host's connections over its workers: three clients per host reach both of them.
      for (const host of hosts) for (let i = 0; i < 3; i++) clients.push(await connect(host));
      const served = new Set(clients.map(({ hello }) => `${hello.host}/${hello.worker}`));
      expect([...served].sort()).toEqual(['a/0', 'a/1', 'b/0', 'b/1']);

      // One client of each host asks its worker to broadcast; a second broadcast from the same worker follows the
      // first through the same connections, so once every client has it, any copy of the first has arrived.
      const sent: string[] = [];
      for (const sender of [clients[0], clients[3]] as Client[]) {
        const id = `from-${sender.hello.host}${sender.hello.worker}`;
        sent.push(id, `${id}-after`);
        sender.socket.emit('shout', { id });
        sender.socket.emit('shout', { id: `${id}-after` });
        await Promise.all(clients.map((client) => client.received(`${id}-after`)));
        for (const client of clients) {
          const copies = client.news.filter((item) => item.id === id);
          expect(copies, `${client.hello.host}/${client.hello.worker}`).toEqual([
            { id, from: { host: sender.hello.host, worker: sender.hello.worker } },
          ]);
        }
      }
      // Nothing else arrived: two broadcasts and their followers, each once, in order.
      for (const client of clients) {
        expect(client.news.map((item) => item.id)).toEqual(sent);
      }
    } finally {
      for (const client of clients) client.socket.close();
    }
  });
});
