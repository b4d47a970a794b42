// RPC typed end to end on the worker's side: `typedRpc<WorkerApi, PrimaryApi>()` gives `handle` for the methods
// this worker answers and `request` for the ones the primary answers, the same maps the primary's
// `supervise<WorkerApi, PrimaryApi>()` takes.
import type { RequestOptions, RpcContext, RpcMethods, RpcParams, RpcResult } from '@shoal/protocol';
import { handle, request } from './app-api.js';

export interface TypedRpc<WorkerApi extends object, PrimaryApi extends object> {
  handle<M extends keyof WorkerApi & string>(
    method: M,
    handler: (
      params: RpcParams<WorkerApi, M>,
      context: RpcContext,
    ) => RpcResult<WorkerApi, M> | Promise<RpcResult<WorkerApi, M>>,
  ): () => void;
  request<M extends keyof PrimaryApi & string>(
    method: M,
    params: RpcParams<PrimaryApi, M>,
    options?: RequestOptions,
  ): Promise<RpcResult<PrimaryApi, M>>;
}

/** The same `handle` and `request` as the untyped exports, with the API maps' types. */
export function typedRpc<
  WorkerApi extends object = RpcMethods,
  PrimaryApi extends object = RpcMethods,
>(): TypedRpc<WorkerApi, PrimaryApi> {
  return {
    handle: (method, handler) => handle(method, handler as (params: unknown, context: RpcContext) => unknown),
    request: (method, params, options) => request(method, params, options),
  };
}
