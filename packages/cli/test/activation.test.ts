// systemd socket activation through `shoal run`: a listening socket passed as fd 3 with LISTEN_FDS/LISTEN_PID is
// what the app's listen(PORT) is served from; the primary binds nothing of its own.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { get } from '../../../tools/test-support/index.js';
import { bin, fixture, testEnv } from './support.js';

describe.skipIf(process.platform === 'win32')('shoal run with an inherited socket', () => {
  it('serves the app from the socket systemd would pass', async () => {
    const socket = net.createServer();
    await new Promise<void>((resolve) => socket.listen(0, '127.0.0.1', resolve));
    const { port } = socket.address() as net.AddressInfo;
    const fd = (socket as unknown as { _handle: { fd: number } })._handle.fd;
    // LISTEN_PID must be the pid of the process that reads it: the shell's, which exec keeps.
    const child = spawn(
      '/bin/sh',
      [
        '-c',
        `LISTEN_PID=$$ LISTEN_FDS=1 exec "${process.execPath}" "${bin}" run "${fixture('app.cjs')}" -i 2`,
      ],
      {
        env: { ...process.env, ...testEnv({ PORT: String(port) }) },
        stdio: ['ignore', 'pipe', 'pipe', fd],
        detached: true,
      },
    );
    // Our copy goes; the child's stays the only one listening.
    socket.close();
    let stderr = '';
    child.stderr!.on('data', (chunk) => {
      stderr += chunk;
    });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not ready in 20 s:\n${stderr}`)), 20_000);
        child.stderr!.on('data', () => {
          if (stderr.includes('"event":"ready"')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      const seen = new Set<string>();
      for (let i = 0; i < 20 && seen.size < 2; i++) seen.add((await get(port)).body.split(' ')[0] as string);
      expect(seen).toEqual(new Set(['0', '1']));
      // Had the primary bound the port itself it would listen on :: (dual stack); the inherited socket is
      // 127.0.0.1 only.
      const outcome = await new Promise<string>((resolve) => {
        const v6 = net.connect({ host: '::1', port });
        v6.once('connect', () => {
          v6.destroy();
          resolve('connected');
        });
        v6.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      });
      expect(outcome).toBe('ECONNREFUSED');
    } finally {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // Already gone.
      }
      if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
    }
  });
});
