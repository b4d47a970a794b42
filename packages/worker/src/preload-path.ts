// Where the worker runtime's preload lives, for the primary to put into a worker's execArgv.
import { fileURLToPath } from 'node:url';

export const workerRuntimePreload: string = fileURLToPath(new URL('./preload.cjs', import.meta.url));
