// settings.inheritedSockets with real processes: the test binds a socket and passes it to a child primary as fd 3
// (as systemd passes an activated socket); that primary's workers serve it, and nothing else ever binds the port.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { greeting } from '../../../tools/test-support/index.js';
import { ClusterPrimary } from '../src/index.js';

const fixture = fileURLToPath(new URL('./fixtures/inherited-sockets-primary.mjs', import.meta.url));
const nobody = 65534;
const isRoot = process.getuid?.() === 0;
const onLinux = process.platform === 'linux';

interface Event {
  event: string;
  [field: string]: unknown;
}

interface SpawnOptions {
  uid?: number;
  gid?: number;
  /** More fds for the child, from 4 on. */
  more?: number[];
}

/** A child primary that inherited `handle` as its fd 3; killed with its whole process group after each test. */
class InheritingPrimary {
  readonly child: ChildProcess;
  readonly events: Event[] = [];
  readonly output: string[] = [];
  readonly exited: Promise<unknown[]>;
  readonly #waiters = new Set<() => void>();

  constructor(handle: object, env: NodeJS.ProcessEnv, { more = [], ...ids }: SpawnOptions = {}) {
    this.child = spawn(process.execPath, [fixture], {
      env: { ...process.env, INHERITED_FDS: '[3]', ...env },
      // A libuv handle in stdio is passed as that fd, as systemd passes a socket unit's socket.
      stdio: ['pipe', 'pipe', 'pipe', handle as never, ...more],
      detached: true,
      ...ids,
    });
    this.exited = once(this.child, 'exit');
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      this.output.push(line);
      if (line.startsWith('{')) this.events.push(JSON.parse(line) as Event);
      for (const wake of [...this.#waiters]) wake();
    });
    createInterface({ input: this.child.stderr! }).on('line', (line) => this.output.push(`stderr: ${line}`));
    running.add(this);
  }

  /** Resolves with the `count`th event named `name` matching `match` (seen or future); rejects after 15 s. */
  waitFor(name: string, match: Record<string, unknown> = {}, count = 1): Promise<Event> {
    const find = () =>
      this.events.filter(
        (event) => event.event === name && Object.entries(match).every(([k, v]) => event[k] === v),
      )[count - 1];
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = find();
        if (found === undefined) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve(found);
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(
          new Error(`no ${count} × '${name}' ${JSON.stringify(match)}; output:\n${this.output.join('\n')}`),
        );
      }, 15_000);
      this.#waiters.add(check);
      check();
    });
  }

  send(command: Record<string, unknown>): void {
    this.child.stdin!.write(`${JSON.stringify(command)}\n`);
  }

  async kill(): Promise<void> {
    try {
      process.kill(-(this.child.pid as number), 'SIGKILL');
    } catch {
      // Already gone.
    }
    if (this.child.exitCode === null && this.child.signalCode === null) await this.exited;
  }
}

const running = new Set<InheritingPrimary>();
const closing: Array<() => void> = [];
afterEach(async () => {
  await Promise.all([...running].map((primary) => primary.kill()));
  running.clear();
  for (const close of closing.splice(0)) close();
});

/** A listening TCP socket bound here, in the test process, on 127.0.0.1 (port 0: the kernel picks). */
async function bound(port = 0): Promise<net.Server> {
  const server = net.createServer();
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  closing.push(() => server.close());
  return server;
}

/**
 * Hands the socket to the child and closes this process's copy: the child's is then the only one, so the test
 * accepts nothing itself (the kernel queues connections on the socket, not on a process, until the child does).
 */
function inherit(server: net.Server, env: NodeJS.ProcessEnv, options?: SpawnOptions) {
  const handle = (server as unknown as { _handle: { fd: number } })._handle;
  const inode = socketInode(handle.fd);
  const primary = new InheritingPrimary(handle, env, options);
  server.close();
  return { primary, inode };
}

function socketInode(fd: number): string {
  return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`))?.[1] ?? '';
}

/** Inodes of every socket listening on `port`, from /proc/net/tcp and tcp6: a worker's own bind would show. */
function listeningInodes(port: number): string[] {
  const inodes: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const localPort = Number.parseInt(fields[1]?.split(':')[1] ?? '', 16);
      if (localPort === port && fields[3] === '0A') inodes.push(fields[9] as string);
    }
  }
  return inodes;
}

/** A raw pipe handle bound to `path`, not listening (Node's own internal, as the primary uses it). */
function createServerHandle(address: string, port: number, addressType: number): { close(): void } {
  const internals = net as unknown as { _createServerHandle(...args: unknown[]): { close(): void } | number };
  const handle = internals._createServerHandle(address, port, addressType);
  if (typeof handle === 'number') throw new Error(`bind ${address} failed: ${handle}`);
  return handle;
}

const portOf = (server: net.Server) => (server.address() as net.AddressInfo).port;

describe('inheritedSockets setting', () => {
  it('rejects a non-array or a non-integer fd with ERR_INVALID_ARG_TYPE', () => {
    const primary = new ClusterPrimary();
    expect(() => primary.setupPrimary({ inheritedSockets: 3 as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE', message: expect.stringContaining('Array') }),
    );
    for (const fd of [1.5, -1, '3']) {
      expect(() => primary.setupPrimary({ inheritedSockets: [fd as never] })).toThrow(
        expect.objectContaining({
          code: 'ERR_INVALID_ARG_TYPE',
          message: expect.stringContaining('options.inheritedSockets[0]'),
        }),
      );
    }
  });
});

describe.skipIf(!onLinux)('inherited sockets (real processes; /proc for the socket tables)', () => {
  it('round robin: workers serve the inherited TCP socket, which is the only one on its port', async () => {
    const server = await bound();
    const port = portOf(server);
    const { primary, inode } = inherit(server, { LISTEN: String(port) });
    await primary.waitFor('worker:listening', { id: 1 });
    await primary.waitFor('worker:listening', { id: 2 });
    const served = new Set<string>();
    for (let i = 0; i < 6; i++) served.add(await greeting({ port }));
    expect(served).toEqual(new Set(['worker 1 uid 0', 'worker 2 uid 0']));
    expect(listeningInodes(port)).toEqual([inode]);
    primary.send({ do: 'inspect' });
    const { snapshot } = (await primary.waitFor('inspect')) as unknown as { snapshot: { keys: object[] } };
    expect(snapshot.keys).toEqual([
      expect.objectContaining({ kind: 'round-robin', address: { address: '127.0.0.1', port }, sockets: 1 }),
    ]);
  });

  it('keeps the socket when its last worker exits: a connection waits, and the replacement serves it', async () => {
    const server = await bound();
    const port = portOf(server);
    const { primary, inode } = inherit(server, { LISTEN: String(port), WORKERS: '1', STAY: '1' });
    await primary.waitFor('worker:listening', { id: 1 });
    expect(await greeting({ port })).toBe('worker 1 uid 0');
    primary.send({ do: 'kill', id: 1 });
    await primary.waitFor('exit', { id: 1 });
    // No worker now, and the key is closed; the socket is still open, and this client is held for the next one.
    const waiting = greeting({ port });
    primary.send({ do: 'fork' });
    await primary.waitFor('worker:listening', { id: 2 });
    expect(await waiting).toBe('worker 2 uid 0');
    expect(await greeting({ port })).toBe('worker 2 uid 0');
    expect(listeningInodes(port)).toEqual([inode]);
  });

  it('shared mode sends the inherited socket itself, again to a replacement', async () => {
    const server = await bound();
    const port = portOf(server);
    const { primary, inode } = inherit(server, {
      LISTEN: JSON.stringify({ port, host: '127.0.0.1' }),
      WORKERS: '1',
      STAY: '1',
      NODE_CLUSTER_SCHED_POLICY: 'none',
    });
    await primary.waitFor('worker:listening', { id: 1 });
    expect(await greeting({ port })).toBe('worker 1 uid 0');
    primary.send({ do: 'kill', id: 1 });
    await primary.waitFor('exit', { id: 1 });
    primary.send({ do: 'fork' });
    await primary.waitFor('worker:listening', { id: 2 });
    expect(await greeting({ port })).toBe('worker 2 uid 0');
    // The worker listens on a copy of the same socket: same inode, no socket of its own.
    expect(listeningInodes(port)).toEqual([inode]);
    primary.send({ do: 'inspect' });
    const { snapshot } = (await primary.waitFor('inspect')) as unknown as { snapshot: { keys: object[] } };
    expect(snapshot.keys).toEqual([expect.objectContaining({ kind: 'shared', sockets: 1 })]);
  });

  it('reuseport falls back to round robin for an inherited socket (one socket, not one per worker)', async () => {
    const server = await bound();
    const port = portOf(server);
    const { primary, inode } = inherit(server, {
      LISTEN: String(port),
      SETTINGS: JSON.stringify({ strategy: 'reuseport' }),
    });
    await primary.waitFor('worker:listening', { id: 1 });
    await primary.waitFor('worker:listening', { id: 2 });
    expect(await greeting({ port })).toMatch(/^worker [12] uid 0$/);
    expect(listeningInodes(port)).toEqual([inode]);
    primary.send({ do: 'inspect' });
    const { snapshot } = (await primary.waitFor('inspect')) as unknown as { snapshot: { keys: object[] } };
    expect(snapshot.keys).toEqual([expect.objectContaining({ kind: 'round-robin', strategy: 'reuseport' })]);
  });

  it('serves an inherited Unix socket by its path, and by { fd }', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'shoal-inherited-'));
    closing.push(() => rmSync(dir, { recursive: true, force: true }));
    for (const [index, by] of ['path', 'fd'].entries()) {
      const socketPath = path.join(dir, `app-${index}.sock`);
      // Bound here but not accepted on (libuv unlinks a pipe's path when the handle that bound it closes, so this
      // copy stays open until the test ends); the child's primary listens on it.
      const handle = createServerHandle(socketPath, -1, -1);
      closing.push(() => handle.close());
      const target = by === 'path' ? socketPath : { fd: 3 };
      const primary = new InheritingPrimary(handle, { LISTEN: JSON.stringify(target), WORKERS: '1' });
      await primary.waitFor('worker:listening', { id: 1 });
      expect(await greeting({ path: socketPath })).toBe('worker 1 uid 0');
      await primary.kill();
    }
  });

  it('refuses a second key for one socket (another spelling of its address) with EADDRINUSE', async () => {
    const server = await bound();
    const port = portOf(server);
    const { primary } = inherit(server, {
      LISTEN: String(port),
      LISTEN_2: JSON.stringify({ port, host: '127.0.0.1' }),
      WORKERS: '1',
    });
    await primary.waitFor('worker:listening', { id: 1 });
    primary.send({ do: 'fork' });
    expect(await primary.waitFor('worker:error', { id: 2 })).toMatchObject({ code: 'EADDRINUSE' });
    expect(await greeting({ port })).toBe('worker 1 uid 0');
  });

  it('exits by itself once its workers are gone: the inherited socket does not keep it alive', async () => {
    const server = await bound();
    const { primary } = inherit(server, { LISTEN: String(portOf(server)), WORKERS: '1' });
    await primary.waitFor('worker:listening', { id: 1 });
    primary.send({ do: 'disconnect' });
    const [code] = await primary.exited;
    expect(code).toBe(0);
  });

  it('warns about an fd that is no stream socket, and binds as usual for other ports', async () => {
    const server = await bound();
    const other = await bound();
    const port = portOf(other);
    other.close();
    await once(other, 'close');
    const file = openSync('/dev/null', 'r');
    closing.push(() => closeSync(file));
    const { primary } = inherit(
      server,
      { INHERITED_FDS: '[3, 4]', LISTEN: String(port), WORKERS: '1' },
      { more: [file] },
    );
    const warning = await primary.waitFor('warning', { code: 'SHOAL_WARN_INHERITED_SOCKET' });
    expect(warning.message).toContain('fd 4');
    await primary.waitFor('worker:listening', { id: 1 });
    expect(await greeting({ port })).toBe('worker 1 uid 0');
  });

  it.skipIf(!isRoot)(
    'serves a privileged port bound by root to a primary and workers running as nobody',
    async () => {
      let server: net.Server | undefined;
      for (let port = 1023; port > 900 && server === undefined; port--) {
        server = await bound(port).catch(() => undefined);
      }
      if (server === undefined) throw new Error('no free privileged port between 901 and 1023');
      const port = portOf(server);
      const { primary, inode } = inherit(server, { LISTEN: String(port) }, { uid: nobody, gid: nobody });
      expect(await primary.waitFor('primary:started')).toMatchObject({ uid: nobody });
      await primary.waitFor('worker:listening', { id: 1 });
      await primary.waitFor('worker:listening', { id: 2 });
      expect(await greeting({ port })).toMatch(new RegExp(`^worker [12] uid ${nobody}$`));
      expect(listeningInodes(port)).toEqual([inode]);
    },
  );
});
