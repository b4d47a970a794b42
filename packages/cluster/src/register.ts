/// <reference types="node" preserve="true" />
// `node --import @shoal/cluster/register app.js` (or `--require`): code that imports node:cluster itself runs on
// Shoal's primary. The built-in object keeps its identity; its primary members become Shoal's.
import { EventEmitter } from 'node:events';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { isMainThread } from 'node:worker_threads';
import { cluster as shoal } from './cluster.js';

const require = createRequire(import.meta.url);
const builtin = require('node:cluster') as Record<string | symbol, unknown> & EventEmitter;

/** Members node:cluster's primary object has that Shoal provides instead. */
const replacedMethods = ['fork', 'disconnect', 'setupPrimary', 'setupMaster'] as const;
const mirroredFields = ['workers', 'settings', 'schedulingPolicy'] as const;
const emitterMethods = Object.getOwnPropertyNames(EventEmitter.prototype).filter(
  (name) =>
    name !== 'constructor' &&
    typeof (EventEmitter.prototype as unknown as Record<string, unknown>)[name] === 'function',
);

function register(): boolean {
  // Inert where there is nothing to replace: in a cluster worker, in a worker thread, or when already done.
  if (!isMainThread || builtin.isWorker === true || shoal === (builtin as unknown)) return false;
  if (builtin[registeredMarker] === true) return false;
  const target = shoal as unknown as Record<string, unknown> & EventEmitter;
  // Listeners already on Shoal's object (a module that imported @shoal/cluster first) move to the built-in.
  for (const event of target.eventNames()) {
    for (const raw of target.rawListeners(event) as Array<
      ((...args: unknown[]) => void) & { listener?: () => void }
    >) {
      if (raw.listener !== undefined) builtin.once(event, raw.listener);
      else builtin.on(event, raw);
    }
  }
  target.removeAllListeners();
  // Listeners libraries attach with cluster.on() must be where Shoal emits: make the built-in the emitter.
  for (const name of emitterMethods) {
    const method = builtin[name] as (...args: unknown[]) => unknown;
    target[name] = method.bind(builtin);
  }
  for (const name of replacedMethods) builtin[name] = target[name];
  // Keep ESM named imports of node:cluster (import { settings } from 'node:cluster') in step after a setup.
  const setupPrimary = target.setupPrimary as (options?: unknown) => void;
  const setupAndSync = (options?: unknown): void => {
    setupPrimary(options);
    syncBuiltinESMExports();
  };
  builtin.setupPrimary = setupAndSync;
  builtin.setupMaster = setupAndSync;
  for (const name of mirroredFields) {
    Object.defineProperty(builtin, name, {
      configurable: true,
      enumerable: true,
      get: () => target[name],
      set: (value: unknown) => {
        target[name] = value;
      },
    });
  }
  builtin.Worker = target.Worker;
  Object.defineProperty(builtin, 'strategy', {
    configurable: true,
    enumerable: false,
    get: () => target.strategy,
  });
  Object.defineProperty(builtin, registeredMarker, { value: true });
  // ESM named imports of node:cluster (import { fork } from 'node:cluster') now see Shoal's members.
  syncBuiltinESMExports();
  return true;
}

const registeredMarker = Symbol.for('shoal.cluster.registered');

export const registered: boolean = register();
