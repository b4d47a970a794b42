#!/usr/bin/env node
// The `shoal` command: picks the subcommand, and turns usage mistakes and known failures into one line on stderr
// and an exit code (2 for usage, 1 otherwise) instead of a stack trace.
import { readFileSync } from 'node:fs';
import { UsageError } from './args/usage-error.js';
import { helpTexts } from './help.js';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
      process.stderr.write(helpTexts.shoal as string);
      return 2;
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(helpTexts.shoal as string);
      return 0;
    case '-v':
    case '--version': {
      const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
        version: string;
      };
      process.stdout.write(`${pkg.version}\n`);
      return 0;
    }
    case 'run': {
      const { run } = await import('./commands/run.js');
      return run(rest);
    }
    case 'status':
    case 'reload':
    case 'scale':
    case 'stop': {
      const { controlCommand } = await import('./commands/control-commands.js');
      return controlCommand(command, rest);
    }
    default:
      throw new UsageError(
        command.startsWith('-')
          ? `unknown flag ${command} (see shoal --help)`
          : `unknown command '${command}' (commands: run, status, reload, scale, stop; see shoal --help)`,
      );
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    // `run` returns -1: it keeps running and exits on its own (signals, stop, crash loop).
    if (code >= 0) process.exitCode = code;
  },
  (error: Error & { exitCode?: unknown; code?: unknown }) => {
    if (error instanceof UsageError || typeof error.exitCode === 'number') {
      process.stderr.write(`shoal: ${error.message}\n`);
      process.exitCode = typeof error.exitCode === 'number' ? error.exitCode : 2;
    } else {
      process.stderr.write(`shoal: ${error.stack ?? error.message}\n`);
      process.exitCode = 1;
    }
  },
);
