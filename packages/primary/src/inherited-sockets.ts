// The listening sockets the primary inherited (systemd socket activation): each fd wrapped once as a raw handle,
// its address learned, lent to the one listen key that asks for it, and never closed while the primary lives.
import { readFileSync, readlinkSync } from 'node:fs';
import { constants } from 'node:os';
import path from 'node:path';
import type { QueryServerMessage } from '@shoal/protocol';
import { openInheritedHandle } from './node-internals.js';
import type { RawStreamHandle, SockName } from './server-handle.js';

export interface InheritedHandle extends RawStreamHandle {
  listen(backlog: number): number;
  unref?(): void;
}

type Route = (client: RawStreamHandle) => void;

const UV_EADDRINUSE = -constants.errno.EADDRINUSE;
/** Connections accepted while no key serves the socket wait for the next one, up to a listen backlog's worth. */
const parkLimit = 511;

export class InheritedSocket {
  readonly fd: number;
  readonly handle: InheritedHandle;
  /** Where a TCP socket listens. */
  readonly sockname: SockName | undefined;
  /** A pipe's path, when it could be read (Linux: /proc/net/unix); otherwise a worker reaches it by `{ fd }`. */
  readonly path: string | undefined;
  #owner: object | undefined;
  #route: Route | undefined;
  #accepting = false;
  readonly #parked: RawStreamHandle[] = [];

  constructor(fd: number, handle: InheritedHandle) {
    this.fd = fd;
    this.handle = handle;
    if (handle.getsockname) {
      const name = {} as SockName;
      handle.getsockname(name as unknown as Record<string, unknown>);
      this.sockname = name.port === undefined ? undefined : name;
    } else {
      this.path = unixSocketPath(fd);
    }
    // It alone never keeps the primary alive: its workers' channels do, as with any listen socket of a key.
    handle.unref?.();
  }

  /** Shared mode: the handle for `owner`'s key to send to workers; undefined while another key holds it. */
  lendTo(owner: object): InheritedHandle | undefined {
    if (this.#owner !== undefined && this.#owner !== owner) return undefined;
    this.#owner = owner;
    return this.handle;
  }

  /** Round robin: the primary accepts on it and hands each connection to `route`; a libuv errno, 0 on success. */
  acceptFor(owner: object, backlog: number, route: Route): number {
    if (this.lendTo(owner) === undefined) return UV_EADDRINUSE;
    if (!this.#accepting) {
      const errno = this.handle.listen(backlog);
      if (errno !== 0) {
        this.#owner = undefined;
        return errno;
      }
      this.#accepting = true;
      this.handle.onconnection = (status, client) => {
        if (status !== 0 || client === undefined) return;
        if (this.#route !== undefined) this.#route(client);
        else if (this.#parked.length < parkLimit) this.#parked.push(client);
        else client.close();
      };
    }
    this.#route = route;
    return 0;
  }

  /** Hands what arrived while no key served the socket to `owner`'s key, once it has a worker to take it. */
  drain(owner: object): void {
    if (this.#owner !== owner || this.#route === undefined || this.#parked.length === 0) return;
    for (const client of this.#parked.splice(0)) this.#route(client);
  }

  /**
   * `owner`'s key closed: the socket stays open for the next key. libuv cannot stop accepting on a listening
   * handle, so what arrives meanwhile is held for the next key, as the kernel's backlog would hold it.
   */
  release(owner: object): void {
    if (this.#owner !== owner) return;
    this.#owner = undefined;
    this.#route = undefined;
  }
}

/** The fds of `settings.inheritedSockets`, wrapped as they are first named; matches listen requests to them. */
export class InheritedSockets {
  readonly #byFd = new Map<number, InheritedSocket>();

  add(fds: readonly number[]): void {
    for (const fd of fds) {
      if (this.#byFd.has(fd)) continue;
      const handle = openInheritedHandle(fd);
      if (typeof handle === 'number') {
        process.emitWarning(`inherited socket fd ${fd} is not an open TCP or Unix stream socket; ignored`, {
          code: 'SHOAL_WARN_INHERITED_SOCKET',
        });
        continue;
      }
      this.#byFd.set(fd, new InheritedSocket(fd, handle as InheritedHandle));
    }
  }

  /**
   * The inherited socket a TCP or pipe listen request means: the fd it names, or the port (with the same address,
   * or an unspecified one) or pipe path of one. Port 0 asks for a new port and never matches.
   */
  match(query: QueryServerMessage): InheritedSocket | undefined {
    if (this.#byFd.size === 0) return undefined;
    if (typeof query.fd === 'number' && query.fd >= 0) return this.#byFd.get(query.fd);
    const { address, port } = query;
    if ((query.addressType === 4 || query.addressType === 6) && typeof port === 'number' && port > 0) {
      let anyAddress: InheritedSocket | undefined;
      for (const socket of this.#byFd.values()) {
        if (socket.sockname?.port !== port) continue;
        if (socket.sockname.address === address) return socket;
        if (anyAddress === undefined && isUnspecified(address)) anyAddress = socket;
      }
      return anyAddress;
    }
    if (query.addressType === -1 && typeof address === 'string') {
      const wanted = path.resolve(address);
      for (const socket of this.#byFd.values()) {
        if (socket.path !== undefined && path.resolve(socket.path) === wanted) return socket;
      }
    }
    return undefined;
  }
}

function isUnspecified(address: string | null | undefined): boolean {
  return (
    address === null || address === undefined || address === '' || address === '0.0.0.0' || address === '::'
  );
}

/** A Unix socket's bound path, found by its inode in /proc/net/unix (Linux only; libuv's pipe has no getsockname). */
function unixSocketPath(fd: number): string | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`))?.[1];
    if (inode === undefined) return undefined;
    // Num RefCount Protocol Flags Type St Inode Path
    for (const line of readFileSync('/proc/net/unix', 'utf8').split('\n')) {
      const fields = line.trim().split(/\s+/);
      // An abstract socket (shown as @name) has no path a worker could listen on.
      if (fields[6] === inode)
        return fields.length > 7 && !fields[7]?.startsWith('@') ? fields.slice(7).join(' ') : undefined;
    }
  } catch {
    // No /proc here: the socket is reached by its fd only.
  }
  return undefined;
}
