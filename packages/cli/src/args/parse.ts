// Flag parsing for every subcommand: a flag table in, values and positionals out; anything unknown or malformed
// is a UsageError naming it. `--flag value` and `--flag=value`; `--` ends the flags (the rest is the app's).
import { UsageError } from './usage-error.js';

export interface FlagSpec {
  /** The long name without dashes, e.g. `log-file`. */
  name: string;
  short?: string;
  /** A boolean flag takes no value; a string flag takes exactly one. */
  type: 'boolean' | 'string';
  /** The value may start with a dash (`--node-args "--max-old-space-size=100"`). */
  dashValue?: boolean;
}

export interface ParsedArgs {
  /** By long name: true for a boolean flag given, the value for a string flag (the last one wins). */
  flags: Record<string, string | boolean>;
  positionals: string[];
  /** What came after `--`. */
  rest: string[];
}

export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[], command: string): ParsedArgs {
  const byLong = new Map(specs.map((spec) => [spec.name, spec]));
  const byShort = new Map(specs.flatMap((spec) => (spec.short ? [[spec.short, spec] as const] : [])));
  const parsed: ParsedArgs = { flags: {}, positionals: [], rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      parsed.rest = argv.slice(i + 1);
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      parsed.positionals.push(arg);
      continue;
    }
    const long = arg.startsWith('--');
    const eq = arg.indexOf('=');
    const key = long ? arg.slice(2, eq === -1 ? undefined : eq) : arg.slice(1, eq === -1 ? undefined : eq);
    const spec = long ? byLong.get(key) : byShort.get(key);
    const shown = long ? `--${key}` : `-${key}`;
    if (spec === undefined)
      throw new UsageError(`unknown flag ${shown} for 'shoal ${command}' (see shoal ${command} --help)`);
    if (spec.type === 'boolean') {
      if (eq !== -1) throw new UsageError(`flag ${shown} takes no value`);
      parsed.flags[spec.name] = true;
      continue;
    }
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      // Otherwise `--name --watch` would swallow the next flag as a name.
      if (value === undefined || (value.startsWith('-') && value !== '-' && spec.dashValue !== true))
        throw new UsageError(`flag ${shown} needs a value`);
      i++;
    }
    parsed.flags[spec.name] = value;
  }
  return parsed;
}
