// How many workers `-i max` means: the CPUs this process may use, honouring a cgroup v2 CPU quota that
// `os.availableParallelism()` does not see (a container limited to 2 CPUs on a 64-core host).
import { readFileSync } from 'node:fs';
import os from 'node:os';

export const cgroupCpuMax = '/sys/fs/cgroup/cpu.max';

/** The quota as CPUs (`quota period` → ceil(quota/period)), or undefined when unlimited or unreadable. */
export function cgroupCpuLimit(file: string = cgroupCpuMax): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const [quota, period] = text.trim().split(/\s+/);
  if (quota === undefined || quota === 'max') return undefined;
  const q = Number(quota);
  const p = period === undefined ? 100_000 : Number(period);
  if (!Number.isFinite(q) || !Number.isFinite(p) || q <= 0 || p <= 0) return undefined;
  return Math.max(1, Math.ceil(q / p));
}

/** The smaller of the cgroup limit and `os.availableParallelism()`, at least 1. */
export function maxWorkers(
  file: string = cgroupCpuMax,
  available: number = os.availableParallelism(),
): number {
  const limit = cgroupCpuLimit(file);
  return Math.max(1, limit === undefined ? available : Math.min(limit, available));
}
