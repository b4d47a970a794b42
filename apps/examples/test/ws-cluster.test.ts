// The `ws` example with real WebSocket clients: connections spread over the workers and stay with one, echoes
// come back in order from several clients at once, a broadcast reaches exactly the clients of its worker, and
// SIGTERM closes the WebSockets still open with 1001 before the cluster exits.
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { expectCleanExit, startExample } from './support.js';

interface Message {
  type: string;
  text?: string;
  worker: { pid: number; id: number };
}

interface Client {
  socket: WebSocket;
  received: Message[];
  /** Resolves with the `count`-th message (counting from 1) of `type`, already received or to come. */
  nth(type: string, count: number): Promise<Message>;
}

const timeout = () => AbortSignal.timeout(10_000);

async function connect(port: number): Promise<Client> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/`);
  const received: Message[] = [];
  const waiters = new Set<() => void>();
  socket.on('message', (data) => {
    received.push(JSON.parse(String(data)) as Message);
    for (const wake of waiters) wake();
  });
  const nth = (type: string, count: number) =>
    new Promise<Message>((resolve, reject) => {
      const check = () => {
        const found = received.filter((message) => message.type === type)[count - 1];
        if (!found) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(found);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no '${type}' #${count} within 10 s; got ${JSON.stringify(received)}`));
      }, 10_000);
      waiters.add(check);
      check();
    });
  await once(socket, 'open', { signal: timeout() });
  return { socket, received, nth };
}

describe('ws-cluster example', () => {
  it('serves each client from one worker: echoes, a per-worker broadcast, and 1001 on SIGTERM', async () => {
    const app = startExample('ws-cluster.js', { WORKERS: '2' });
    const listening = await app.waitForCount('listening', 2);
    const port = listening[0]!.port as number;
    const pids = new Set(listening.map((event) => event.workerPid as number));

    // One at a time, so round robin alternates: two clients on each worker.
    const clients: Client[] = [];
    for (let i = 0; i < 4; i++) clients.push(await connect(port));
    const workerOf = await Promise.all(
      clients.map(async (client) => (await client.nth('welcome', 1)).worker),
    );
    for (const worker of workerOf) expect(pids).toContain(worker.pid);
    expect(new Set(workerOf.map((worker) => worker.pid))).toEqual(pids);

    // Every client sends five echoes at once; each gets its own back, in order, from its own worker.
    for (const [c, client] of clients.entries()) {
      for (let m = 1; m <= 5; m++) client.socket.send(JSON.stringify({ type: 'echo', text: `c${c} m${m}` }));
    }
    for (const [c, client] of clients.entries()) {
      await client.nth('echo', 5);
      const echoes = client.received.filter((message) => message.type === 'echo');
      expect(echoes.map((message) => message.text)).toEqual([1, 2, 3, 4, 5].map((m) => `c${c} m${m}`));
      for (const echo of echoes) expect(echo.worker).toEqual(workerOf[c]);
    }

    // A broadcast from client 0 reaches the clients of its worker; then one from a client of the other worker
    // reaches the others, which never saw the first.
    const first = workerOf[0]!.pid;
    const mates = clients.filter((_, c) => workerOf[c]!.pid === first);
    const others = clients.filter((_, c) => workerOf[c]!.pid !== first);
    clients[0]!.socket.send(JSON.stringify({ type: 'broadcast', text: 'from the first worker' }));
    for (const client of mates) expect((await client.nth('broadcast', 1)).text).toBe('from the first worker');
    others[0]!.socket.send(JSON.stringify({ type: 'broadcast', text: 'from the second worker' }));
    for (const client of others) {
      expect((await client.nth('broadcast', 1)).text).toBe('from the second worker');
      expect(client.received.filter((message) => message.type === 'broadcast')).toHaveLength(1);
    }

    // A message the server does not understand is answered, not fatal.
    clients[1]!.socket.send('not json');
    expect((await clients[1]!.nth('error', 1)).worker).toEqual(workerOf[1]);

    // Stop with one client still connected: it is told the server is going away.
    for (const client of clients.slice(1)) client.socket.close(1000);
    await Promise.all(clients.slice(1).map((client) => once(client.socket, 'close', { signal: timeout() })));
    const closed = once(clients[0]!.socket, 'close', { signal: timeout() });
    app.child.kill('SIGTERM');
    const [code, reason] = (await closed) as [number, Buffer];
    expect(code).toBe(1001);
    expect(String(reason)).toBe('server stopping');
    await expectCleanExit(app);
    expect(app.named('worker-exit').map((event) => event.code)).toEqual([0, 0]);
  });
});
