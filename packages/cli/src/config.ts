// `shoal.config.json` / `shoal.config.js` (in the working directory, or `--config F`): run settings that flags
// override key by key. Paths in the file are relative to the file, paths in flags to the working directory.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type RunSettings, settingsFromConfig } from './args/run-args.js';
import { UsageError } from './args/usage-error.js';

const defaultNames = ['shoal.config.json', 'shoal.config.js', 'shoal.config.mjs', 'shoal.config.cjs'];

/** The config file to read: `--config F` (which must exist), else the first default name in `cwd`, else none. */
export function findConfig(cwd: string, explicit: string | undefined): string | undefined {
  if (explicit !== undefined) {
    const file = path.resolve(cwd, explicit);
    if (!existsSync(file)) throw new UsageError(`--config ${explicit}: no such file`);
    return file;
  }
  return defaultNames.map((name) => path.join(cwd, name)).find((file) => existsSync(file));
}

export async function loadConfig(file: string): Promise<RunSettings> {
  const shown = path.basename(file);
  let raw: unknown;
  if (file.endsWith('.json')) {
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new UsageError(`${shown}: not valid JSON (${(error as Error).message})`);
    }
  } else {
    const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
    raw = module.default ?? module;
  }
  const settings = settingsFromConfig(raw, shown);
  const dir = path.dirname(file);
  for (const key of ['app', 'envFile', 'logFile'] as const) {
    const value = settings[key];
    if (value !== undefined) settings[key] = path.resolve(dir, value);
  }
  return settings;
}

/** Flags win: a key the command line sets replaces the file's. */
export function mergeSettings(fromFile: RunSettings, fromFlags: RunSettings): RunSettings {
  const merged: RunSettings = { ...fromFile };
  for (const [key, value] of Object.entries(fromFlags)) {
    if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  return merged;
}
