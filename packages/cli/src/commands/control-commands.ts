// `shoal status`, `shoal reload`, `shoal scale N`, `shoal stop`: requests to a running cluster's control socket.
import type { SupervisorReloadReport, SupervisorSnapshot } from '@shoal/supervisor';
import { type FlagSpec, parseArgs } from '../args/parse.js';
import { UsageError } from '../args/usage-error.js';
import { countValue, nameValue } from '../args/values.js';
import { callControl, resolveCluster } from '../control/client.js';
import { controlDir } from '../control/paths.js';
import { helpTexts } from '../help.js';
import { renderStatus } from '../output/status-table.js';

export interface StatusResult {
  name: string;
  pid: number;
  app: string;
  now: number;
  snapshot: SupervisorSnapshot;
}

const common: FlagSpec[] = [
  { name: 'name', type: 'string' },
  { name: 'help', short: 'h', type: 'boolean' },
];
const withJson: FlagSpec[] = [...common, { name: 'json', type: 'boolean' }];

export async function controlCommand(
  command: 'status' | 'reload' | 'scale' | 'stop',
  argv: readonly string[],
): Promise<number> {
  const { flags, positionals } = parseArgs(
    argv,
    command === 'status' || command === 'reload' ? withJson : common,
    command,
  );
  if (flags.help) {
    process.stdout.write(helpTexts[command] as string);
    return 0;
  }
  let workers: number | undefined;
  if (command === 'scale') {
    if (positionals.length !== 1)
      throw new UsageError('shoal scale needs the number of workers: shoal scale N');
    workers = countValue(positionals[0] as string, 'shoal scale N');
  } else if (positionals.length > 0)
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])} for 'shoal ${command}'`);
  const name = flags.name === undefined ? undefined : nameValue(flags.name, '--name');
  const cluster = await resolveCluster(controlDir(), name);
  const json = flags.json === true;
  switch (command) {
    case 'status': {
      const status = (await callControl(cluster.path, { command, timeoutMs: 5_000 })) as StatusResult;
      process.stdout.write(
        json
          ? `${JSON.stringify(status, null, 2)}\n`
          : `${renderStatus(status.snapshot, status.now, { name: status.name })}\n`,
      );
      return 0;
    }
    case 'reload': {
      const report = (await callControl(cluster.path, {
        command,
        timeoutMs: 10 * 60_000,
      })) as SupervisorReloadReport;
      if (json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else {
        const replaced = report.slots.filter((slot) => slot.outcome === 'replaced').length;
        const failed = report.slots.filter((slot) => slot.outcome === 'failed');
        process.stdout.write(
          `${cluster.name}: reload ${report.ok ? 'done' : 'failed'} in ${report.durationMs} ms: ${replaced} of ${report.slots.length} workers replaced${
            failed.length > 0
              ? `; ${failed.map((slot) => `worker ${slot.index}: ${slot.reason ?? 'failed'}`).join('; ')}`
              : ''
          }\n`,
        );
      }
      return report.ok ? 0 : 1;
    }
    case 'scale': {
      const result = (await callControl(cluster.path, { command, workers, timeoutMs: 5 * 60_000 })) as {
        size: number;
      };
      process.stdout.write(`${cluster.name}: ${result.size} workers\n`);
      return 0;
    }
    case 'stop': {
      await callControl(cluster.path, { command, timeoutMs: 5 * 60_000, untilClosed: true });
      process.stdout.write(`${cluster.name}: stopped\n`);
      return 0;
    }
  }
}
