// Binds the raw TCP, pipe or UDP handle a shared handle hands out, without accepting or reading on it.
import dgram from 'node:dgram';
import { constants } from 'node:os';
import type { QueryServerMessage } from '@shoal/protocol';
import {
  createLegacyUdpHandle,
  createServerHandle,
  hasLegacyUdpHandles,
  udpHandleOf,
} from './node-internals.js';

// libuv's uv_udp_flags, which Node's dgram puts into the bind request's `flags`.
const UV_UDP_IPV6ONLY = 1;
const UV_UDP_REUSEADDR = 4;
const UV_UDP_REUSEPORT = 64;
const UV_EINVAL = -constants.errno.EINVAL;
const UV_EADDRINUSE = -constants.errno.EADDRINUSE;

type Bound = (errno: number, handle: unknown) => void;

/** Calls `bound(errno, handle)`: synchronously where Node can bind synchronously, later where it cannot. */
export function bindServerHandle(
  address: string | null | undefined,
  query: QueryServerMessage,
  bound: Bound,
): void {
  if (query.addressType === 'udp4' || query.addressType === 'udp6') {
    bindUdpHandle(address, query, query.addressType, bound);
    return;
  }
  const result = createServerHandle(
    address,
    query.port,
    query.addressType as number,
    query.fd,
    query.flags ?? undefined,
  );
  if (typeof result === 'number') bound(result, null);
  else {
    const errno = delayedBindError(result, query.port);
    bound(errno, errno === 0 ? result : null);
  }
}

/**
 * libuv defers a TCP bind's EADDRINUSE to the socket's listen() and returns success, leaving the socket
 * unbound: a worker handed it would find it on another port, fail without closing it, and be stuck with the
 * key. An unbound socket is closed here and the error answered instead. 0 when bound as asked.
 */
export function delayedBindError(handle: object, port: number | null | undefined): number {
  const withName = handle as { getsockname?(out: Record<string, unknown>): number; close(): void };
  if (port === null || port === undefined || port <= 0 || withName.getsockname === undefined) return 0;
  const name: { port?: number } = {};
  if (withName.getsockname(name) === 0 && name.port === port) return 0;
  withName.close();
  return UV_EADDRINUSE;
}

function bindUdpHandle(
  address: string | null | undefined,
  query: QueryServerMessage,
  type: 'udp4' | 'udp6',
  bound: Bound,
): void {
  // A bind() without a port (bind(cb), bind({ address })) asks for any port, as in Node's own primary.
  const port = query.port ?? 0;
  if (hasLegacyUdpHandles) {
    const result = createLegacyUdpHandle(address, port, type, query.fd, query.flags ?? undefined);
    if (typeof result === 'number') bound(result, null);
    else bound(0, result);
    return;
  }
  bindUdpThroughSocket(address, query, type, port, bound);
}

/** Node 25+: bind an ordinary dgram socket, stop it reading, and hand out its handle. */
function bindUdpThroughSocket(
  address: string | null | undefined,
  query: QueryServerMessage,
  type: 'udp4' | 'udp6',
  port: number,
  bound: Bound,
): void {
  const flags = query.flags ?? 0;
  const socket = dgram.createSocket({
    type,
    ipv6Only: (flags & UV_UDP_IPV6ONLY) !== 0,
    reuseAddr: (flags & UV_UDP_REUSEADDR) !== 0,
    ...((flags & UV_UDP_REUSEPORT) !== 0 ? { reusePort: true } : {}),
  } as dgram.SocketOptions);
  socket.once('error', (error: NodeJS.ErrnoException) => {
    socket.close();
    bound(error.errno ?? UV_EINVAL, null);
  });
  const options: dgram.BindOptions =
    typeof query.fd === 'number' && query.fd >= 0
      ? { fd: query.fd }
      : { port, address: address ?? undefined, exclusive: true };
  socket.bind(options, () => {
    const handle = udpHandleOf(socket);
    if (handle === undefined) {
      socket.close();
      bound(UV_EINVAL, null); // no handle to share
      return;
    }
    handle.recvStop?.();
    bound(0, handle);
  });
}
