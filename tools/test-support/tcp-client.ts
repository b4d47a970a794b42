// Real TCP/pipe/UDP/TLS clients for tests: connect, read what the server says first, and report how it ended.
import dgram from 'node:dgram';
import { once } from 'node:events';
import net from 'node:net';
import tls from 'node:tls';

export interface Greeting {
  socket: net.Socket;
  /** The first line the server wrote, without the newline; '' when it closed without writing. */
  line: string;
}

type Target = { port: number; host?: string } | { path: string };

/** Connects, waits for the first line (or for the server to close the connection), leaves the socket open. */
export function greet(
  target: Target,
  options: { timeoutMs?: number; tls?: boolean } = {},
): Promise<Greeting> {
  return new Promise((resolve, reject) => {
    const socket =
      options.tls === true && 'port' in target
        ? tls.connect({ port: target.port, host: target.host ?? '127.0.0.1', rejectUnauthorized: false })
        : 'path' in target
          ? net.connect(target.path)
          : net.connect(target.port, target.host ?? '127.0.0.1');
    let buffered = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no greeting within ${options.timeoutMs ?? 10_000} ms`));
    }, options.timeoutMs ?? 10_000);
    const finish = (line: string): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      resolve({ socket, line });
    };
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString('utf8');
      const end = buffered.indexOf('\n');
      if (end !== -1) finish(buffered.slice(0, end));
    };
    socket.on('data', onData);
    socket.once('end', () => finish(buffered));
    socket.once('close', () => finish(buffered));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET') return; // the close handler reports it as an empty greeting
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** Connects, reads the first line, and closes the connection. */
export async function greeting(
  target: Target,
  options: { timeoutMs?: number; tls?: boolean } = {},
): Promise<string> {
  const { socket, line } = await greet(target, options);
  socket.destroy();
  return line;
}

/** Sends one datagram to 127.0.0.1:port and resolves with the first reply. */
export async function datagram(port: number, text: string, type: 'udp4' | 'udp6' = 'udp4'): Promise<string> {
  const socket = dgram.createSocket(type);
  try {
    const reply = once(socket, 'message', { signal: AbortSignal.timeout(10_000) });
    socket.send(text, port, type === 'udp4' ? '127.0.0.1' : '::1');
    const [message] = (await reply) as [Buffer];
    return message.toString('utf8');
  } finally {
    socket.close();
  }
}

/** Resolves with the error code when nothing accepts connections at the target. */
export function refused(target: Target): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket =
      'path' in target ? net.connect(target.path) : net.connect(target.port, target.host ?? '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      reject(new Error('the connection was accepted'));
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'unknown'));
  });
}
