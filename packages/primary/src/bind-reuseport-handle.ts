// Binds one more TCP listen socket with SO_REUSEPORT: Node's own flag on 22.12+, node-unix-socket on Node 20.
import { createRequire } from 'node:module';
import net from 'node:net';
import { constants } from 'node:os';

/** libuv's UV_TCP_REUSEPORT bind flag, which `net._createServerHandle` passes through on Node ≥ 22.12. */
const UV_TCP_REUSEPORT = 2;

type CreateServerHandle = (
  address: string | null | undefined,
  port: number | null,
  addressType: number | null,
  fd: number | undefined,
  flags: number | undefined,
) => unknown;

export type BindResult = { errno: number; handle: null } | { errno: 0; handle: object };

interface ReuseportFdFactory {
  createReuseportFd(port: number, host: string): number;
}

const createServerHandle = (net as unknown as { _createServerHandle: CreateServerHandle })
  ._createServerHandle;

/** How this Node can open SO_REUSEPORT sockets, or why it cannot (then the caller falls back to round robin). */
export type ReusePortSupport = { ok: true; bind: typeof bindReusePort } | { ok: false; reason: string };

let fdFactory: ReuseportFdFactory | undefined;

export function reusePortSupport(): ReusePortSupport {
  if (process.platform !== 'linux')
    return { ok: false, reason: `SO_REUSEPORT balancing needs Linux, not ${process.platform}` };
  if (nativeReusePort) return { ok: true, bind: bindReusePort };
  try {
    fdFactory ??= createRequire(import.meta.url)('node-unix-socket') as ReuseportFdFactory;
    return { ok: true, bind: bindReusePort };
  } catch (error) {
    return {
      ok: false,
      reason: `Node ${process.versions.node} has no reusePort and node-unix-socket did not load (${(error as Error).message})`,
    };
  }
}

/** Node's own reusePort: 22.12+ and 23.1+. */
const nativeReusePort: boolean = (() => {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  return major > 23 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12);
})();

/** Binds `address:port` (port 0: any) with SO_REUSEPORT; `errno` is a negative libuv error number on failure. */
export function bindReusePort(
  address: string | null | undefined,
  port: number,
  addressType: 4 | 6,
): BindResult {
  const host = address ?? (addressType === 6 ? '::' : '0.0.0.0');
  if (nativeReusePort) {
    const result = createServerHandle(
      address ?? (addressType === 6 ? '::' : null),
      port,
      addressType,
      undefined,
      UV_TCP_REUSEPORT,
    );
    return typeof result === 'number'
      ? { errno: result, handle: null }
      : { errno: 0, handle: result as object };
  }
  let fd: number;
  try {
    fd = (fdFactory as ReuseportFdFactory).createReuseportFd(port, host);
  } catch (error) {
    return { errno: errnoFromMessage((error as Error).message), handle: null };
  }
  const result = createServerHandle(null, null, null, fd, undefined);
  return typeof result === 'number'
    ? { errno: result, handle: null }
    : { errno: 0, handle: result as object };
}

/** node-unix-socket reports the OS error's text only; map the ones a bind gives to libuv's numbers. */
function errnoFromMessage(message: string): number {
  if (/in use/i.test(message)) return -constants.errno.EADDRINUSE;
  if (/permission/i.test(message)) return -constants.errno.EACCES;
  if (/assign requested address/i.test(message)) return -constants.errno.EADDRNOTAVAIL;
  return -constants.errno.EINVAL;
}
