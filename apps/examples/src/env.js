// Shared by the examples (not an example itself): the few knobs they read from the environment.
import { availableParallelism } from 'node:os';
import process from 'node:process';

/** An integer setting from the environment; a malformed value stops the program with exit code 2. */
export function intSetting(name, fallback, min = 0) {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) {
    console.error(`${name} must be an integer of at least ${min}, not ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return value;
}

/** PORT, or the port the documentation's example uses. PORT=0 lets the first worker pick a free one. */
export function portSetting(documentedPort) {
  return intSetting('PORT', documentedPort, 0);
}

/** WORKERS, or one worker per available CPU as in the documentation. */
export function workerCountSetting(fallback = availableParallelism()) {
  return intSetting('WORKERS', fallback, 1);
}
