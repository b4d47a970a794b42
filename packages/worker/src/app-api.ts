// What an application calls: `ready()`, and RPC with its primary (`handle`, `request`). Each starts the
// runtime if needed and, outside the main thread of a cluster worker, does nothing, so an app can call them
// unconditionally.
import cluster from 'node:cluster';
import { isMainThread } from 'node:worker_threads';
import { ProtocolError, ProtocolErrorCode, type RequestOptions, type RpcContext } from '@shoal/protocol';
import { errInvalidArgType, errInvalidArgValue } from '@shoal/protocol/node-errors';
import { startWorkerRuntime, type WorkerRuntime } from './runtime.js';

/** Methods Shoal itself answers or calls (`shoal.drain`, `shoal.ping`…). */
export const RESERVED_METHOD_PREFIX = 'shoal.';

export type AppRpcHandler<Params = unknown, Result = unknown> = (
  params: Params,
  context: RpcContext,
) => Result | Promise<Result>;

function runtimeOfClusterWorker(): WorkerRuntime | undefined {
  return isMainThread && cluster.isWorker ? startWorkerRuntime() : undefined;
}

function validateMethod(method: unknown): asserts method is string {
  if (typeof method !== 'string') throw errInvalidArgType('method', 'string', method);
  if (method.startsWith(RESERVED_METHOD_PREFIX)) {
    throw errInvalidArgValue(
      'method',
      method,
      `must not start with '${RESERVED_METHOD_PREFIX}' (reserved for Shoal)`,
    );
  }
}

/**
 * Tells the primary this worker is ready (after its own warm-up): sends the extension channel's `ready`.
 * Returns whether it was sent; false outside a cluster worker's main thread.
 */
export function ready(): boolean {
  try {
    return runtimeOfClusterWorker()?.channel.sendReady() ?? false;
  } catch {
    return false;
  }
}

/**
 * Answers `method` when the primary requests it; returns a function that removes the handler. Throws
 * `ERR_INVALID_ARG_VALUE` for a name starting with `shoal.`. Outside a cluster worker registers nothing.
 */
export function handle<Params = unknown, Result = unknown>(
  method: string,
  handler: AppRpcHandler<Params, Result>,
): () => void {
  validateMethod(method);
  if (typeof handler !== 'function') throw errInvalidArgType('handler', 'function', handler);
  const runtime = runtimeOfClusterWorker();
  if (runtime === undefined) return () => {};
  return runtime.channel.handle(method, handler as (params: unknown, context: RpcContext) => unknown);
}

/**
 * Calls `method` on the primary. Rejects as `ExtensionChannel.request` does (timeout, cancellation, the
 * primary's error, channel closed), with `ERR_INVALID_ARG_VALUE` for a `shoal.` name, and with
 * `SHOAL_ERR_CHANNEL_CLOSED` outside a cluster worker (there is no primary to ask).
 */
export function request<Result = unknown>(
  method: string,
  params?: unknown,
  options?: RequestOptions,
): Promise<Result> {
  try {
    validateMethod(method);
  } catch (error) {
    return Promise.reject(error);
  }
  const runtime = runtimeOfClusterWorker();
  if (runtime === undefined) {
    return Promise.reject(
      new ProtocolError(
        ProtocolErrorCode.CHANNEL_CLOSED,
        'Shoal extension channel closed: this process is not a cluster worker, it has no primary',
      ),
    );
  }
  return runtime.channel.request(method, params, options) as Promise<Result>;
}

/**
 * Tells the primary that connections with routing key `key` (a session this worker created, say) belong here:
 * a strategy that routes by the start of a connection (`consistent-hash` with `routeBy`) sends them to this
 * worker from now on. Sent in order with what this worker sends next, so a reply that gives the key to a client
 * arrives after the claim. Returns whether it was sent; false outside a cluster worker's main thread. Throws
 * `ERR_INVALID_ARG_TYPE` for a key that is not a non-empty string.
 */
export function claim(key: string): boolean {
  if (typeof key !== 'string' || key.length === 0) throw errInvalidArgType('key', 'a non-empty string', key);
  const runtime = runtimeOfClusterWorker();
  if (runtime === undefined) return false;
  runtime.misroutes.own(key);
  runtime.channel.request(CLAIM_METHOD, { key }).catch(() => {
    // The primary left, or an older primary that knows no claims: connections then follow the hash.
  });
  return true;
}

/** The RPC method a claim travels as (the primary answers it). */
export const CLAIM_METHOD = 'shoal.claim';
