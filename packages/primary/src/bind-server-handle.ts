// Binds the raw TCP, pipe or UDP handle a shared handle hands out, without accepting or reading on it.
import dgram from 'node:dgram';
import net from 'node:net';
import type { QueryServerMessage } from '@shoal/protocol';

// libuv's uv_udp_flags, which Node's dgram puts into the bind request's `flags`.
const UV_UDP_IPV6ONLY = 1;
const UV_UDP_REUSEADDR = 4;
const UV_UDP_REUSEPORT = 64;

type Bound = (errno: number, handle: unknown) => void;

type CreateServerHandle = (
  address: string | null | undefined,
  port: number,
  addressType: number,
  fd: number | undefined,
  flags: number | undefined,
) => unknown;

type CreateSocketHandle = (
  address: string | null | undefined,
  port: number,
  addressType: string,
  fd: number | undefined,
  flags: number | undefined,
) => unknown;

const internals = { net: net as unknown as { _createServerHandle?: CreateServerHandle }, dgram };

/** Calls `bound(errno, handle)`: synchronously where Node can bind synchronously, later where it cannot. */
export function bindServerHandle(
  address: string | null | undefined,
  query: QueryServerMessage,
  bound: Bound,
): void {
  if (query.addressType === 'udp4' || query.addressType === 'udp6') {
    bindUdpHandle(address, query, bound);
    return;
  }
  const create = internals.net._createServerHandle;
  if (typeof create !== 'function') throw new Error('net._createServerHandle is not available in this Node');
  const result = create(
    address,
    query.port as number,
    query.addressType as number,
    query.fd,
    query.flags ?? undefined,
  );
  if (typeof result === 'number') bound(result, null);
  else bound(0, result);
}

function bindUdpHandle(address: string | null | undefined, query: QueryServerMessage, bound: Bound): void {
  const legacy = (internals.dgram as unknown as { _createSocketHandle?: CreateSocketHandle })
    ._createSocketHandle;
  if (typeof legacy === 'function') {
    // Runtime-deprecated (DEP0112) but the only synchronous way through Node 24; keep the warning from users.
    const hadNoDeprecation = process.noDeprecation;
    process.noDeprecation = true;
    try {
      const result = legacy(
        address,
        query.port as number,
        query.addressType as string,
        query.fd,
        query.flags ?? undefined,
      );
      if (typeof result === 'number') bound(result, null);
      else bound(0, result);
    } finally {
      process.noDeprecation = hadNoDeprecation;
    }
    return;
  }
  bindUdpThroughSocket(address, query, bound);
}

/** Node 25+: bind an ordinary dgram socket, stop it reading, and hand out its handle. */
function bindUdpThroughSocket(
  address: string | null | undefined,
  query: QueryServerMessage,
  bound: Bound,
): void {
  const flags = query.flags ?? 0;
  const socket = dgram.createSocket({
    type: query.addressType as 'udp4' | 'udp6',
    ipv6Only: (flags & UV_UDP_IPV6ONLY) !== 0,
    reuseAddr: (flags & UV_UDP_REUSEADDR) !== 0,
    ...((flags & UV_UDP_REUSEPORT) !== 0 ? { reusePort: true } : {}),
  } as dgram.SocketOptions);
  socket.once('error', (error: NodeJS.ErrnoException) => {
    socket.close();
    bound(error.errno ?? -1, null);
  });
  const options: dgram.BindOptions =
    typeof query.fd === 'number' && query.fd >= 0
      ? { fd: query.fd }
      : { port: query.port ?? 0, address: address ?? undefined, exclusive: true };
  socket.bind(options, () => {
    const handle = udpHandleOf(socket);
    if (handle === undefined) {
      socket.close();
      bound(-22, null); // EINVAL: no handle to share
      return;
    }
    handle.recvStop?.();
    bound(0, handle);
  });
}

function udpHandleOf(socket: dgram.Socket): { recvStop?(): void } | undefined {
  for (const symbol of Object.getOwnPropertySymbols(socket)) {
    const state = (socket as unknown as Record<symbol, unknown>)[symbol] as { handle?: unknown } | undefined;
    if (state && typeof state === 'object' && state.handle && typeof state.handle === 'object') {
      return state.handle as { recvStop?(): void };
    }
  }
  return undefined;
}
