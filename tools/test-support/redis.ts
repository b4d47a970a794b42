// A real Redis for a test: an empty, persistence-free redis-server on 127.0.0.1 and a free port, its working
// directory temporary, ready once it logs that it accepts connections and answers PING; stopped after the test.
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port.js';
import { findBinary, ServerProcess } from './server-process.js';

/** redis-server on PATH, else Debian's /usr/bin/redis-server; undefined when neither is there. */
export const redisBinary: string | undefined = findBinary(['redis-server'], ['/usr/bin', '/usr/local/bin']);

export interface Redis extends AsyncDisposable {
  readonly host: string;
  readonly port: number;
  /** `redis://127.0.0.1:<port>`, for clients. */
  readonly url: string;
  readonly process: ServerProcess;
  /** One command on a connection of its own: the reply (a status, an integer or a bulk string) as text. */
  command(...args: string[]): Promise<string>;
  stop(): Promise<void>;
}

export async function startRedis(options: { binary?: string; timeoutMs?: number } = {}): Promise<Redis> {
  const binary = options.binary ?? redisBinary;
  if (binary === undefined) throw new Error('redis-server is not installed');
  const host = '127.0.0.1';
  for (let attempt = 1; ; attempt++) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'shoal-redis-'));
    const port = await freePort(host);
    // No config file: everything on the command line; nothing saved, nothing appended.
    const server = new ServerProcess(
      binary,
      ['--port', String(port), '--bind', host, '--save', '', '--appendonly', 'no', '--dir', dir],
      { removeDir: dir },
    );
    try {
      await server.waitForLine(
        (line) => line.includes('Ready to accept connections'),
        options.timeoutMs ?? 10_000,
        "redis-server's 'Ready to accept connections'",
      );
      const command = (...args: string[]) => redisCommand(host, port, args);
      const pong = await command('PING');
      if (pong !== 'PONG') throw new Error(`PING answered ${JSON.stringify(pong)}`);
      return {
        host,
        port,
        url: `redis://${host}:${port}`,
        process: server,
        command,
        stop: () => server.stop(),
        [Symbol.asyncDispose]: () => server.stop(),
      };
    } catch (error) {
      await server.stop();
      // The port was taken between choosing and binding: another one.
      if (server.output.some((line) => line.includes('Address already in use')) && attempt < 5) continue;
      throw error;
    }
  }
}

/** RESP: the command as an array of bulk strings; the first reply read back (simple, error, integer or bulk). */
function redisCommand(
  host: string,
  port: number,
  args: readonly string[],
  timeoutMs = 2000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host);
    let buffered = Buffer.alloc(0);
    const finish = (error: Error | undefined, reply?: string): void => {
      socket.destroy();
      if (error) reject(error);
      else resolve(reply as string);
    };
    socket.setTimeout(timeoutMs, () => finish(new Error(`redis ${args[0]}: no reply in ${timeoutMs} ms`)));
    socket.once('connect', () =>
      socket.write(
        `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`,
      ),
    );
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n');
      if (end === -1) return;
      const kind = String.fromCharCode(buffered[0] ?? 0);
      const first = buffered.toString('utf8', 1, end);
      if (kind === '+' || kind === ':') finish(undefined, first);
      else if (kind === '-') finish(new Error(`redis ${args[0]}: ${first}`));
      else if (kind === '$') {
        const length = Number(first);
        if (length < 0) finish(undefined, '');
        else if (buffered.length >= end + 2 + length + 2)
          finish(undefined, buffered.toString('utf8', end + 2, end + 2 + length));
      } else
        finish(new Error(`redis ${args[0]}: a reply this helper does not read: ${JSON.stringify(first)}`));
    });
    socket.once('error', (error) => finish(error));
  });
}
