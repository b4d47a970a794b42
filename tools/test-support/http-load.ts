// A small HTTP load for tests: a few keep-alive clients and a few new-connection-per-request clients sending
// requests back to back until stopped (or a bounded count or time), counting answers and failures.
import http from 'node:http';

export interface LoadOptions {
  port: number;
  host?: string;
  path?: string;
  /** Clients reusing connections (default 4) and clients opening one per request (default 2). */
  keepAliveClients?: number;
  newConnectionClients?: number;
  /** Stops on its own after this many requests or this long, whichever first (defaults 200 000, 60 s). */
  maxRequests?: number;
  maxMs?: number;
}

export interface LoadResult {
  ok: number;
  failed: number;
  /** The first few failures, for the test's message. */
  errors: string[];
  /** Answers per body's first word (the worker index, for the supervisor's app). */
  byFirstWord: Record<string, number>;
}

export interface RunningLoad {
  /** Requests answered so far. */
  readonly ok: number;
  /** Resolves when `ok` reaches `count` (or the load stops first). */
  reached(count: number): Promise<void>;
  /** Stops sending, waits for the requests in flight, and resolves with the counts. */
  stop(): Promise<LoadResult>;
}

export function startLoad(options: LoadOptions): RunningLoad {
  const result: LoadResult = { ok: 0, failed: 0, errors: [], byFirstWord: {} };
  const maxRequests = options.maxRequests ?? 200_000;
  const deadline = Date.now() + (options.maxMs ?? 60_000);
  let stopped = false;
  let sent = 0;
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const settle = (): void => {
    for (let i = waiters.length - 1; i >= 0; i--) {
      const waiter = waiters[i] as { count: number; resolve: () => void };
      if (result.ok >= waiter.count || stopped) {
        waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  };
  const keepAliveAgents = Array.from(
    { length: options.keepAliveClients ?? 4 },
    () => new http.Agent({ keepAlive: true, maxSockets: 1 }),
  );
  const oneShot = new http.Agent({ keepAlive: false });
  const request = (agent: http.Agent): Promise<void> =>
    new Promise((resolve) => {
      sent++;
      const req = http.get(
        { host: options.host ?? '127.0.0.1', port: options.port, path: options.path ?? '/', agent },
        (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            body += chunk;
          });
          response.on('end', () => {
            if (response.statusCode === 200) {
              result.ok++;
              const word = body.split(' ')[0] ?? '';
              result.byFirstWord[word] = (result.byFirstWord[word] ?? 0) + 1;
            } else fail(`status ${response.statusCode}`);
            settle();
            resolve();
          });
          response.on('error', (error) => {
            fail(error.message);
            resolve();
          });
        },
      );
      req.on('error', (error: NodeJS.ErrnoException) => {
        fail(`${error.code ?? ''} ${error.message}`);
        resolve();
      });
    });
  const fail = (message: string): void => {
    result.failed++;
    if (result.errors.length < 10) result.errors.push(message);
  };
  const client = async (agent: http.Agent): Promise<void> => {
    while (!stopped && sent < maxRequests && Date.now() < deadline) await request(agent);
  };
  const clients = [
    ...keepAliveAgents.map((agent) => client(agent)),
    ...Array.from({ length: options.newConnectionClients ?? 2 }, () => client(oneShot)),
  ];
  const finished = Promise.all(clients).then(() => {
    stopped = true;
    settle();
    for (const agent of keepAliveAgents) agent.destroy();
    oneShot.destroy();
  });
  return {
    get ok() {
      return result.ok;
    },
    reached(count: number) {
      if (result.ok >= count || stopped) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    async stop() {
      stopped = true;
      await finished;
      return result;
    },
  };
}
