// Waits, before a measured run, until the machine is quiet: other engineers' test runs share these 2 cores.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Share (0–1) of the machine's CPU time that was busy over `ms`, from /proc/stat (NaN where unreadable). */
export async function busyShare(ms = 1000) {
  const sample = () => {
    try {
      const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
      const ticks = fields.map(Number);
      const idle = ticks[3] + (ticks[4] ?? 0);
      return { idle, total: ticks.reduce((sum, tick) => sum + tick, 0) };
    } catch {
      return undefined;
    }
  };
  const before = sample();
  await sleep(ms);
  const after = sample();
  if (!before || !after || after.total === before.total) return Number.NaN;
  return 1 - (after.idle - before.idle) / (after.total - before.total);
}

/**
 * Returns once the machine's busy share stays under `config.quiet.threshold` for one sample, or after
 * `config.quiet.maxWaitS` seconds; resolves with the seconds waited. Disabled when maxWaitS is 0.
 */
export async function waitForQuiet(config) {
  const { threshold, maxWaitS } = config.quiet;
  if (maxWaitS <= 0) return 0;
  const started = performance.now();
  let said = false;
  for (;;) {
    const busy = await busyShare(500);
    const waited = (performance.now() - started) / 1000;
    if (!(busy > threshold)) return waited;
    if (waited >= maxWaitS) {
      process.stderr.write(
        `[bench quiet] still ${(busy * 100).toFixed(0)} % busy after ${maxWaitS} s: running anyway\n`,
      );
      return waited;
    }
    if (!said) {
      process.stderr.write(
        `[bench quiet] machine ${(busy * 100).toFixed(0)} % busy outside the benchmark: waiting\n`,
      );
      said = true;
    }
  }
}
