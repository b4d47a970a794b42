// --env-file F: the worker environment's extra variables, in the dotenv format Node's own --env-file reads.
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { UsageError } from './args/usage-error.js';

export function readEnvFile(file: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `--env-file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  return parseEnv(text) as Record<string, string>;
}
