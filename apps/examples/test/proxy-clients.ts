// Clients of the load balancer from several loopback source addresses (127.0.0.11, 127.0.0.12, …): each request
// records the client's own address and port next to what host-app.js answered (host, worker, the client it saw).
import http from 'node:http';

export interface Exchange {
  /** The client's side of its connection to the load balancer. */
  client: string;
  clientPort: number;
  /** From the body: `a 1 client 127.0.0.11 51234 (pid 4242)`. */
  host: string;
  worker: string;
  seenAddress: string;
  seenPort: number;
  pid: number;
}

/** `count` client addresses from 127.0.0.11 on: apart from the hosts' (127.0.0.2, .3) and HAProxy's (.1). */
export function clientAddresses(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `127.0.0.${11 + i}`);
}

const answer = /^(\S+) (\S+) client (\S+) (\d+) \(pid (\d+)\)\n$/;

/**
 * One GET `path` (default `/`) from `localAddress`, on a connection of its own (no `agent`) or on `agent`'s
 * kept-alive one (created with the same `localAddress`). Rejects on anything but a 200 with host-app.js's body.
 */
export function exchange(
  port: number,
  localAddress: string,
  options: { path?: string; agent?: http.Agent } = {},
): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: '127.0.0.1', port, path: options.path ?? '/', localAddress, agent: options.agent ?? false },
      (response) => {
        // Read now: once answered, a kept-alive socket goes back to its agent, a one-off one is closed.
        const clientPort = response.socket.localPort ?? 0;
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () => {
          const match = answer.exec(body);
          if (response.statusCode !== 200 || match === null) {
            reject(new Error(`${localAddress}: status ${response.statusCode}: ${body.slice(0, 200)}`));
            return;
          }
          const [, host = '', worker = '', seenAddress = '', seenPort = '', pid = ''] = match;
          resolve({
            client: localAddress,
            clientPort,
            host,
            worker,
            seenAddress,
            seenPort: Number(seenPort),
            pid: Number(pid),
          });
        });
        response.on('error', reject);
      },
    );
    req.setTimeout(5000, () => req.destroy(new Error(`${localAddress}: request timed out`)));
    req.on('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(`${localAddress}: ${error.code ?? ''} ${error.message}`)),
    );
  });
}

export interface ClientsResult {
  exchanges: Exchange[];
  /** Every failed request's message (empty when none failed). */
  failures: string[];
}

export interface RunningClients {
  readonly answered: number;
  /** Resolves when `count` requests were answered in all (or the clients stopped first). */
  reached(count: number): Promise<void>;
  stop(): Promise<ClientsResult>;
}

/**
 * A steady load from `addresses`: per address one client on a kept-alive connection and one opening a connection
 * per request, back to back until stopped or `maxMs` has passed.
 */
export function startClients(options: {
  port: number;
  addresses: readonly string[];
  maxMs: number;
}): RunningClients {
  const result: ClientsResult = { exchanges: [], failures: [] };
  const deadline = Date.now() + options.maxMs;
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  let stopped = false;
  const settle = (): void => {
    for (let i = waiters.length - 1; i >= 0; i--) {
      const waiter = waiters[i] as { count: number; resolve: () => void };
      if (result.exchanges.length >= waiter.count || stopped) {
        waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  };
  const agents = options.addresses.map(
    (localAddress) => new http.Agent({ keepAlive: true, maxSockets: 1, localAddress }),
  );
  const client = async (localAddress: string, agent: http.Agent | undefined): Promise<void> => {
    while (!stopped && Date.now() < deadline) {
      try {
        result.exchanges.push(await exchange(options.port, localAddress, { agent }));
      } catch (error) {
        result.failures.push((error as Error).message);
      }
      settle();
    }
  };
  const finished = Promise.all(
    options.addresses.flatMap((address, i) => [client(address, agents[i]), client(address, undefined)]),
  ).then(() => {
    stopped = true;
    settle();
    for (const agent of agents) agent.destroy();
  });
  return {
    get answered() {
      return result.exchanges.length;
    },
    reached(count) {
      if (result.exchanges.length >= count || stopped) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    async stop() {
      stopped = true;
      await finished;
      return result;
    },
  };
}
