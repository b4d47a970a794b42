// The control socket of a `shoal run`: a Unix socket only its user can open (0600 in a 0700 directory), serving
// status, reload, scale and stop as JSON lines. A socket file left by a dead run is replaced; a live one is not.
import { chmodSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import { CommandError } from '../args/usage-error.js';
import { LineSplitter } from '../output/line-splitter.js';
import { type ControlRequest, type ControlResponse, controlCommands } from './messages.js';
import { ensureControlDir, isAlive, socketPath } from './paths.js';

export type ControlHandler = (request: ControlRequest) => Promise<unknown>;

export interface ControlServer {
  path: string;
  close(): void;
}

export async function startControlServer(
  dir: string,
  name: string,
  handler: ControlHandler,
): Promise<ControlServer> {
  ensureControlDir(dir);
  const file = socketPath(dir, name);
  const server = net.createServer((socket) => serve(socket, handler));
  const listen = (): Promise<void> =>
    new Promise((resolve, reject) => {
      // The mode is set as the file is made (umask), so it is never open to others, even for a moment.
      const umask = process.umask(0o177);
      server.once('error', reject);
      server.listen(file, () => {
        server.off('error', reject);
        resolve();
      });
      process.umask(umask);
    });
  try {
    await listen();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    if (await isAlive(file))
      throw new CommandError(
        `a cluster named '${name}' is already running (${file}); give this one another --name`,
        'SHOAL_ERR_NAME_IN_USE',
      );
    unlinkSync(file);
    await listen();
  }
  chmodSync(file, 0o600);
  server.unref();
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    server.close();
    try {
      unlinkSync(file);
    } catch {
      // Already gone.
    }
  };
  // process.exit() skips 'close' callbacks: the socket file must still go, or the next run finds it stale.
  process.once('exit', close);
  return { path: file, close };
}

function serve(socket: net.Socket, handler: ControlHandler): void {
  const lines = new LineSplitter();
  socket.on('error', () => {});
  socket.on('data', (chunk) => {
    for (const line of lines.push(chunk)) {
      if (line.trim() === '') continue;
      void answer(line, handler).then((response) => {
        if (!socket.destroyed) socket.write(`${JSON.stringify(response)}\n`);
      });
    }
  });
}

async function answer(line: string, handler: ControlHandler): Promise<ControlResponse> {
  let request: ControlRequest;
  try {
    request = JSON.parse(line) as ControlRequest;
  } catch {
    return { id: 0, ok: false, error: { message: 'not JSON', code: 'SHOAL_ERR_CONTROL_BAD_REQUEST' } };
  }
  const id = typeof request?.id === 'number' ? request.id : 0;
  if (!controlCommands.includes(request?.command))
    return {
      id,
      ok: false,
      error: {
        message: `unknown command ${JSON.stringify(request?.command)}`,
        code: 'SHOAL_ERR_CONTROL_BAD_REQUEST',
      },
    };
  try {
    return { id, ok: true, result: await handler(request) };
  } catch (error) {
    const { message, code } = error as { message: string; code?: string };
    return { id, ok: false, error: { message, ...(code === undefined ? {} : { code }) } };
  }
}
