// Loaded with `--require` into workers the Shoal primary forks: starts Shoal's worker runtime, then gets out of sight.
const { isMainThread } = require('node:worker_threads') as typeof import('node:worker_threads');
const cluster = require('node:cluster') as { isWorker: boolean };

removeSelfFromExecArgv();

// Only the main thread of a cluster worker talks to the primary; threads and plain child processes stay untouched.
if (isMainThread && cluster.isWorker) {
  const runtime = require('./runtime.js') as typeof import('./runtime.js');
  runtime.startWorkerRuntime();
}

/** The app sees the execArgv it asked for, not Shoal's preload. */
function removeSelfFromExecArgv(): void {
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if ((arg === '--require' || arg === '-r') && argv[i + 1] === __filename) {
      argv.splice(i, 2);
      return;
    }
    if (arg === `--require=${__filename}`) {
      argv.splice(i, 1);
      return;
    }
  }
}
