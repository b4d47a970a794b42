// Checks and converts the values flags and config keys take; `where` names the flag or key in the error.
import { UsageError } from './usage-error.js';

export function instancesValue(value: unknown, where: string): number | 'max' {
  if (value === 'max') return 'max';
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1)
    throw new UsageError(
      `${where} must be 'max' or a whole number of workers >= 1, not ${JSON.stringify(value)}`,
    );
  return n;
}

export function countValue(value: string, where: string): number {
  if (!/^\d+$/.test(value))
    throw new UsageError(`${where} must be a whole number >= 0, not ${JSON.stringify(value)}`);
  return Number(value);
}

/** `PORT`, `HOST:PORT` or `[IPv6]:PORT`; the host defaults to 127.0.0.1 (metrics stay local unless asked). */
export function hostPortValue(value: unknown, where: string): { host: string; port: number } {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string')
    throw new UsageError(`${where} must be [HOST:]PORT, not ${JSON.stringify(value)}`);
  const match = /^(?:\[([^\]]+)\]:|([^:]+):)?(\d+)$/.exec(text);
  const port = match ? Number(match[3]) : Number.NaN;
  if (!match || port > 65535)
    throw new UsageError(`${where} must be [HOST:]PORT with a port 0-65535, not ${JSON.stringify(value)}`);
  return { host: match[1] ?? match[2] ?? '127.0.0.1', port };
}

/**
 * A duration: a whole number of milliseconds, or with a unit (`500ms`, `5s`, `1m`). A config file may also give a
 * plain number (milliseconds).
 */
export function durationValue(value: unknown, where: string): number {
  const text = typeof value === 'number' ? String(value) : value;
  const match = typeof text === 'string' ? /^(\d+)(ms|s|m)?$/.exec(text.trim()) : null;
  if (!match)
    throw new UsageError(
      `${where} must be a duration like 5000, 500ms, 5s or 1m, not ${JSON.stringify(value)}`,
    );
  const scale = match[2] === 's' ? 1000 : match[2] === 'm' ? 60_000 : 1;
  const ms = Number(match[1]) * scale;
  if (!Number.isSafeInteger(ms) || ms > 2 ** 31 - 1) throw new UsageError(`${where} is too long: ${text}`);
  return ms;
}

export function stringValue(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') throw new UsageError(`${where} must be a non-empty string`);
  return value;
}

export function booleanValue(value: unknown, where: string): boolean {
  if (typeof value !== 'boolean') throw new UsageError(`${where} must be true or false`);
  return value;
}

export function nameValue(value: unknown, where: string): string {
  const name = stringValue(value, where);
  // It names a socket file: no path separators, nothing hidden.
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/.test(name))
    throw new UsageError(
      `${where} must be letters, digits, '.', '_' or '-' (up to 64, not starting with '.' or '-'), not ${JSON.stringify(name)}`,
    );
  return name;
}

/** Splits `--node-args "--a --b='x y'"` like a shell would, for the common quoting cases. */
export function splitArgs(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let quote: string | undefined;
  let started = false;
  for (const char of text) {
    if (quote) {
      if (char === quote) quote = undefined;
      else current += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      started = true;
    } else if (/\s/.test(char)) {
      if (started || current) out.push(current);
      current = '';
      started = false;
    } else current += char;
  }
  if (quote) throw new UsageError(`unbalanced ${quote} in ${JSON.stringify(text)}`);
  if (started || current) out.push(current);
  return out;
}

export function argListValue(value: unknown, where: string): string[] {
  if (typeof value === 'string') return splitArgs(value);
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return [...value];
  throw new UsageError(`${where} must be a string or an array of strings`);
}
