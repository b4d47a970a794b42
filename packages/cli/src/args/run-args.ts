// `shoal run`'s flags, and the options they and a config file give (flags win over the file).
import { isIP } from 'node:net';
import { type FlagSpec, parseArgs } from './parse.js';
import { UsageError } from './usage-error.js';
import {
  argListValue,
  booleanValue,
  durationValue,
  hostPortValue,
  instancesValue,
  nameValue,
  splitArgs,
  stringValue,
} from './values.js';

export const runFlags: readonly FlagSpec[] = [
  { name: 'instances', short: 'i', type: 'string' },
  { name: 'strategy', type: 'string' },
  { name: 'route-by', type: 'string' },
  { name: 'proxy-from', type: 'string' },
  { name: 'ready', type: 'boolean' },
  { name: 'shutdown-delay', type: 'string' },
  { name: 'shutdown-timeout', type: 'string' },
  { name: 'drain-timeout', type: 'string' },
  { name: 'metrics', type: 'string' },
  { name: 'env-file', type: 'string' },
  { name: 'node-args', type: 'string', dashValue: true },
  { name: 'watch', type: 'boolean' },
  { name: 'raw', type: 'boolean' },
  { name: 'log-file', type: 'string' },
  { name: 'name', type: 'string' },
  { name: 'config', type: 'string' },
  { name: 'help', short: 'h', type: 'boolean' },
];

/** What flags or a config file may set; every field optional, so the two merge key by key. */
export interface RunSettings {
  app?: string;
  instances?: number | 'max';
  strategy?: string;
  /** Sources of a sticky routing key, tried in order (`cookie:sid`, `query:sid`, `header:x-forwarded-for`, `proxy`). */
  routeBy?: string[];
  /** With `routeBy`: the proxies whose PROXY header is believed (any peer's when unset). */
  proxyFrom?: string[];
  ready?: boolean;
  /** ms between readiness turning false and the drain starting, at shutdown (supervisor default 0). */
  shutdownDelay?: number;
  /** ms the whole shutdown may take before what is left is killed (supervisor default 30 000). */
  shutdownTimeout?: number;
  /** ms one worker may take to drain (at shutdown or a reload) before it is stopped (supervisor default 10 000). */
  drainTimeout?: number;
  metrics?: { host: string; port: number };
  envFile?: string;
  nodeArgs?: string[];
  watch?: boolean;
  raw?: boolean;
  logFile?: string;
  name?: string;
  args?: string[];
  env?: Record<string, string>;
}

export interface RunCommandLine {
  help: boolean;
  config: string | undefined;
  settings: RunSettings;
}

export function parseRunArgs(argv: readonly string[]): RunCommandLine {
  const { flags, positionals, rest } = parseArgs(argv, runFlags, 'run');
  if (positionals.length > 1)
    throw new UsageError(
      `unexpected argument ${JSON.stringify(positionals[1])} (the app's own arguments go after --)`,
    );
  const settings: RunSettings = {};
  if (positionals[0] !== undefined) settings.app = positionals[0];
  if (flags.instances !== undefined) settings.instances = instancesValue(flags.instances, '-i/--instances');
  if (flags.strategy !== undefined) settings.strategy = stringValue(flags.strategy, '--strategy');
  if (flags['route-by'] !== undefined) settings.routeBy = routeByValue(flags['route-by'], '--route-by');
  if (flags['proxy-from'] !== undefined)
    settings.proxyFrom = addressListValue(flags['proxy-from'], '--proxy-from');
  if (flags.ready) settings.ready = true;
  if (flags['shutdown-delay'] !== undefined)
    settings.shutdownDelay = durationValue(flags['shutdown-delay'], '--shutdown-delay');
  if (flags['shutdown-timeout'] !== undefined)
    settings.shutdownTimeout = durationValue(flags['shutdown-timeout'], '--shutdown-timeout');
  if (flags['drain-timeout'] !== undefined)
    settings.drainTimeout = durationValue(flags['drain-timeout'], '--drain-timeout');
  if (flags.metrics !== undefined) settings.metrics = hostPortValue(flags.metrics, '--metrics');
  if (flags['env-file'] !== undefined) settings.envFile = stringValue(flags['env-file'], '--env-file');
  if (flags['node-args'] !== undefined) settings.nodeArgs = splitArgs(flags['node-args'] as string);
  if (flags.watch) settings.watch = true;
  if (flags.raw) settings.raw = true;
  if (flags['log-file'] !== undefined) settings.logFile = stringValue(flags['log-file'], '--log-file');
  if (flags.name !== undefined) settings.name = nameValue(flags.name, '--name');
  if (rest.length > 0) settings.args = rest;
  return {
    help: flags.help === true,
    config: flags.config === undefined ? undefined : stringValue(flags.config, '--config'),
    settings,
  };
}

/** A config file's object, checked key by key (`where` names the file); unknown keys are errors, not ignored. */
export function settingsFromConfig(raw: unknown, where: string): RunSettings {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new UsageError(`${where} must hold an object of run settings`);
  const settings: RunSettings = {};
  for (const [key, value] of Object.entries(raw)) {
    const at = `${where}: '${key}'`;
    switch (key) {
      case 'app':
        settings.app = stringValue(value, at);
        break;
      case 'instances':
        settings.instances = instancesValue(value, at);
        break;
      case 'strategy':
        settings.strategy = stringValue(value, at);
        break;
      case 'routeBy':
        settings.routeBy = routeByValue(value, at);
        break;
      case 'proxyFrom':
        settings.proxyFrom = addressListValue(value, at);
        break;
      case 'ready':
        settings.ready = booleanValue(value, at);
        break;
      case 'shutdownDelay':
        settings.shutdownDelay = durationValue(value, at);
        break;
      case 'shutdownTimeout':
        settings.shutdownTimeout = durationValue(value, at);
        break;
      case 'drainTimeout':
        settings.drainTimeout = durationValue(value, at);
        break;
      case 'metrics':
        settings.metrics = hostPortValue(value, at);
        break;
      case 'envFile':
        settings.envFile = stringValue(value, at);
        break;
      case 'nodeArgs':
        settings.nodeArgs = argListValue(value, at);
        break;
      case 'watch':
        settings.watch = booleanValue(value, at);
        break;
      case 'raw':
        settings.raw = booleanValue(value, at);
        break;
      case 'logFile':
        settings.logFile = stringValue(value, at);
        break;
      case 'name':
        settings.name = nameValue(value, at);
        break;
      case 'args':
        settings.args = argListValue(value, at);
        break;
      case 'env':
        settings.env = envValue(value, at);
        break;
      default:
        throw new UsageError(
          `${where}: unknown key '${key}' (known: app, instances, strategy, routeBy, proxyFrom, ready, shutdownDelay, shutdownTimeout, drainTimeout, metrics, envFile, nodeArgs, watch, raw, logFile, name, args, env)`,
        );
    }
  }
  return settings;
}

/** A comma-separated list (a flag) or an array of strings (a config file), each checked by the strategy later. */
function routeByValue(value: unknown, where: string): string[] {
  return listValue(value, where, 'routing key sources, e.g. cookie:sid,query:sid,proxy');
}

/** The proxies' IP addresses, comma-separated or an array. */
function addressListValue(value: unknown, where: string): string[] {
  const list = listValue(value, where, 'IP addresses, e.g. 10.0.0.5,10.0.0.6');
  for (const address of list)
    if (isIP(address) === 0)
      throw new UsageError(`${where}: ${JSON.stringify(address)} is not an IP address`);
  return list;
}

function listValue(value: unknown, where: string, what: string): string[] {
  const list = typeof value === 'string' ? value.split(',').map((item) => item.trim()) : value;
  if (!Array.isArray(list) || list.length === 0) throw new UsageError(`${where} must list ${what}`);
  list.forEach((item, index) => {
    if (typeof item !== 'string' || item === '') {
      const found = item === '' ? 'empty' : JSON.stringify(item);
      throw new UsageError(`${where}: entry ${index + 1} is ${found}; it must list ${what}`);
    }
  });
  return list as string[];
}

function envValue(value: unknown, where: string): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new UsageError(`${where} must be an object of strings`);
  const env: Record<string, string> = {};
  for (const [name, item] of Object.entries(value)) {
    if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean')
      throw new UsageError(`${where}.${name} must be a string`);
    env[name] = String(item);
  }
  return env;
}
