// Every Node internal the primary relies on, in one place: each is feature-detected when this module loads, and a
// missing one fails with an error naming the Node version instead of a TypeError at the first listen.
import dgram from 'node:dgram';
import net from 'node:net';
import type { RawStreamHandle } from './server-handle.js';

/** A missing internal: this Node cannot run Shoal's primary (or one of its features). */
export class NodeInternalsError extends Error {
  readonly code = 'SHOAL_ERR_NODE_INTERNALS';
  constructor(what: string) {
    super(`@shoal/primary needs ${what}, which Node ${process.versions.node} does not provide`);
    this.name = 'NodeInternalsError';
  }
}

type CreateServerHandle = (
  address: string | null | undefined,
  port: number | null | undefined,
  addressType: number | null | undefined,
  fd: number | undefined,
  flags: number | undefined,
) => object | number;

type CreateSocketHandle = (
  address: string | null | undefined,
  port: number,
  addressType: string,
  fd: number | undefined,
  flags: number | undefined,
) => object | number;

const [nodeMajorPart = 0, nodeMinorPart = 0] = process.versions.node.split('.').map(Number);

/** This Node's major version (listen keys and a few behaviours differ from 22 on). */
export const nodeMajor: number = nodeMajorPart;

/** Node's own `reusePort` (the UV_TCP_REUSEPORT bind flag): 22.12+ and 23.1+. */
export const nativeReusePort: boolean =
  nodeMajorPart > 23 ||
  (nodeMajorPart === 23 && nodeMinorPart >= 1) ||
  (nodeMajorPart === 22 && nodeMinorPart >= 12);

function required<T>(value: unknown, what: string): T {
  if (typeof value !== 'function') throw new NodeInternalsError(what);
  return value as T;
}

const netInternals = net as unknown as { _createServerHandle?: unknown };
const dgramInternals = dgram as unknown as { _createSocketHandle?: unknown };
const processInternals = process as unknown as { _debugProcess?: unknown };

const createServerHandleImpl = required<CreateServerHandle>(
  netInternals._createServerHandle,
  'net._createServerHandle (binding listen handles without accepting on them)',
);
/** Runtime-deprecated (DEP0112) and gone in Node 25+; the UDP path falls back to a bound dgram socket then. */
const legacyCreateSocketHandle: CreateSocketHandle | undefined =
  typeof dgramInternals._createSocketHandle === 'function'
    ? (dgramInternals._createSocketHandle as CreateSocketHandle)
    : undefined;

/**
 * Binds a TCP or pipe listen handle (libuv's, no net.Server); a negative libuv errno on failure. `address`
 * null/undefined with a port binds `::` dual-stack, falling back to `0.0.0.0`, as every Node listen does.
 */
export function createServerHandle(
  address: string | null | undefined,
  port: number | null | undefined,
  addressType: number | null | undefined,
  fd: number | undefined,
  flags: number | undefined,
): object | number {
  return createServerHandleImpl(address, port, addressType, fd, flags);
}

/**
 * Wraps a socket this process inherited already bound (systemd socket activation) as a raw TCP or pipe handle,
 * binding nothing; a negative libuv errno when the fd is not an open stream socket.
 */
export function openInheritedHandle(fd: number): object | number {
  return createServerHandleImpl(null, null, null, fd, undefined);
}

/** Whether this Node still has the synchronous UDP handle factory (through Node 24). */
export const hasLegacyUdpHandles: boolean = legacyCreateSocketHandle !== undefined;

/** Binds a raw UDP handle synchronously (Node ≤ 24), keeping its deprecation warning away from users. */
export function createLegacyUdpHandle(
  address: string | null | undefined,
  port: number,
  addressType: 'udp4' | 'udp6',
  fd: number | undefined,
  flags: number | undefined,
): object | number {
  if (legacyCreateSocketHandle === undefined) throw new NodeInternalsError('dgram._createSocketHandle');
  const hadNoDeprecation = process.noDeprecation;
  process.noDeprecation = true;
  try {
    return legacyCreateSocketHandle(address, port, addressType, fd, flags);
  } finally {
    process.noDeprecation = hadNoDeprecation;
  }
}

/** The libuv handle inside a bound dgram socket (Node keeps it under a symbol-keyed state object). */
export function udpHandleOf(socket: dgram.Socket): { recvStop?(): void; close(): void } | undefined {
  for (const symbol of Object.getOwnPropertySymbols(socket)) {
    const state = (socket as unknown as Record<symbol, unknown>)[symbol] as { handle?: unknown } | undefined;
    if (state && typeof state === 'object' && state.handle && typeof state.handle === 'object') {
      return state.handle as { recvStop?(): void; close(): void };
    }
  }
  return undefined;
}

/**
 * Takes a listening net.Server's handle away from it: connections then arrive at the handle's `onconnection` as
 * raw handles, and the server object is left without one (it never creates a net.Socket).
 */
export function takeListenHandle(server: net.Server): RawStreamHandle {
  const holder = server as unknown as { _handle: RawStreamHandle | null };
  const handle = holder._handle;
  if (handle === null || typeof handle !== 'object' || !('onconnection' in handle)) {
    throw new NodeInternalsError('a listening net.Server with a libuv handle (_handle.onconnection)');
  }
  holder._handle = null;
  return handle;
}

/** Absent in worker threads, where a primary has no inspector to hand on; checked when first needed. */
const debugProcessImpl =
  typeof processInternals._debugProcess === 'function'
    ? (processInternals._debugProcess as (pid: number) => void)
    : undefined;

/** Starts the inspector in another Node process, as SIGUSR1 does. */
export function debugProcess(pid: number): void {
  if (debugProcessImpl === undefined)
    throw new NodeInternalsError('process._debugProcess (starting a worker inspector on NODE_DEBUG_ENABLED)');
  debugProcessImpl(pid);
}

/**
 * The event under which `child_process` delivers every message whose `cmd` starts with `NODE_` (Node's cluster
 * traffic and Shoal's extension channel), never to `'message'`. Undocumented, stable since Node 0.x.
 */
export const internalMessageEvent = 'internalMessage';
