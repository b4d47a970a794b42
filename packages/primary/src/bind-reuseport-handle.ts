// Binds one more TCP listen socket with SO_REUSEPORT: Node's own flag on 22.12+, node-unix-socket on Node 20.
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { delayedBindError } from './bind-server-handle.js';
import { createServerHandle, nativeReusePort } from './node-internals.js';

/** libuv's UV_TCP_REUSEPORT bind flag, which `net._createServerHandle` passes through on Node ≥ 22.12. */
const UV_TCP_REUSEPORT = 2;

export type BindResult = { errno: number; handle: null } | { errno: 0; handle: object };

interface ReuseportFdFactory {
  createReuseportFd(port: number, host: string): number;
}

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

/**
 * Binds `address:port` (port 0: any) with SO_REUSEPORT; `errno` is a negative libuv error number on failure.
 * No address means every interface: `::` dual-stack (IPv4 clients too), falling back to `0.0.0.0` on a host
 * without IPv6 — what Node's own listen does.
 */
export function bindReusePort(
  address: string | null | undefined,
  port: number,
  addressType: 4 | 6,
): BindResult {
  if (nativeReusePort) {
    const result = createServerHandle(
      address ?? '::',
      port,
      address ? addressType : 6,
      undefined,
      UV_TCP_REUSEPORT,
    );
    if (typeof result !== 'number' || address) return toBindResult(result, port);
    // No IPv6 on this host: every IPv4 interface instead.
    return toBindResult(createServerHandle('0.0.0.0', port, 4, undefined, UV_TCP_REUSEPORT), port);
  }
  const hosts = address ? [address] : ['::', '0.0.0.0'];
  let errno = -constants.errno.EINVAL;
  for (const host of hosts) {
    let fd: number;
    try {
      fd = (fdFactory as ReuseportFdFactory).createReuseportFd(port, host);
    } catch (error) {
      errno = errnoFromMessage((error as Error).message);
      if (errno === -constants.errno.EADDRINUSE || errno === -constants.errno.EACCES) break;
      continue;
    }
    return toBindResult(createServerHandle(null, null, null, fd, undefined), port);
  }
  return { errno, handle: null };
}

function toBindResult(result: object | number, port: number): BindResult {
  if (typeof result === 'number') return { errno: result, handle: null };
  const errno = delayedBindError(result, port);
  return errno === 0 ? { errno: 0, handle: result } : { errno, handle: null };
}

/** node-unix-socket reports the OS error's text only; map the ones a bind gives to libuv's numbers. */
function errnoFromMessage(message: string): number {
  if (/in use/i.test(message)) return -constants.errno.EADDRINUSE;
  if (/permission/i.test(message)) return -constants.errno.EACCES;
  if (/assign requested address/i.test(message)) return -constants.errno.EADDRNOTAVAIL;
  return -constants.errno.EINVAL;
}
