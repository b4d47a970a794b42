/// <reference types="node" preserve="true" />
export {
  type AppRpcHandler,
  CLAIM_METHOD,
  claim,
  handle,
  RESERVED_METHOD_PREFIX,
  ready,
  request,
} from './app-api.js';
export type { DrainResult } from './drain.js';
export { DEFAULT_DRAIN_TIMEOUT_MS } from './drain-params.js';
export { LoadTracker } from './load-tracker.js';
export type { WorkerMetrics } from './metrics-sampler.js';
export { workerRuntimePreload } from './preload-path.js';
export { startWorkerRuntime, type WorkerRuntime } from './runtime.js';
export { stackSocketPath } from './stack-socket-path.js';
export { type TypedRpc, typedRpc } from './typed-rpc.js';
export { WATCHDOG_GRACE_MS, WATCHDOG_POLL_MS } from './watchdog.js';
