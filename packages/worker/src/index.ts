/// <reference types="node" preserve="true" />
export { LoadTracker } from './load-tracker.js';
export { workerRuntimePreload } from './preload-path.js';
export { startWorkerRuntime, type WorkerRuntime } from './runtime.js';
