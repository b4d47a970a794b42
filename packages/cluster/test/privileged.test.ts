// A root primary serves a privileged port to workers that run as an unprivileged user (round-robin mode).
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { greeting, ProcessFixture } from '../../../tools/test-support/index.js';
import { fixture } from './fixture-path.js';

const nobody = 65534;
const isRoot = process.getuid?.() === 0;

/** A port below 1024 that nothing listens on right now. */
async function freePrivilegedPort(): Promise<number> {
  for (let port = 1023; port > 900; port--) {
    const free = await new Promise<boolean>((resolve) => {
      const probe = net.createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free privileged port between 901 and 1023');
}

describe.skipIf(!isRoot)('privileged ports (needs root)', () => {
  it('lets workers running with uid/gid nobody serve a port below 1024', async () => {
    const port = await freePrivilegedPort();
    const primary = ProcessFixture.start(fixture('servers.mjs'), {
      env: {
        SERVER_KIND: 'net',
        HOST: '127.0.0.1',
        PORT: String(port),
        SETTINGS: JSON.stringify({ uid: nobody, gid: nobody }),
      },
    });
    const listening = await primary.waitForCount('worker:listening', 2);
    for (const event of listening) expect(event).toMatchObject({ uid: nobody, address: { port } });
    expect(await greeting({ port })).toMatch(/^worker [12]$/);
  });

  it('also serves it in shared mode, where the root primary binds and the workers only listen', async () => {
    const port = await freePrivilegedPort();
    const primary = ProcessFixture.start(fixture('servers.mjs'), {
      env: {
        SERVER_KIND: 'net',
        HOST: '127.0.0.1',
        PORT: String(port),
        WORKERS: '1',
        NODE_CLUSTER_SCHED_POLICY: 'none',
        SETTINGS: JSON.stringify({ uid: nobody, gid: nobody }),
      },
    });
    const listening = await primary.waitForEvent('worker:listening', { id: 1 });
    expect(listening).toMatchObject({ uid: nobody, address: { port } });
    expect(await greeting({ port })).toBe('worker 1');
  });
});
