// Node's two scheduling policies and how Shoal maps policy values and strategy names onto them.
import { SCHED_NONE, SCHED_RR, strategyAliases, strategyNames } from '@shoal/scheduler';

// Defined once, by the scheduler; re-exported for the primary's own public API.
export { SCHED_NONE, SCHED_RR };

/** What `cluster.schedulingPolicy` may hold: Node's numbers, or (Shoal) a strategy name. */
export type SchedulingPolicy = number | string;

export interface EnvironmentPolicy {
  /** What `cluster.schedulingPolicy` starts as: always one of Node's two numbers. */
  policy: number;
  /** A Shoal strategy named by the variable (anything but `rr` and `none`), used when the policy is left as is. */
  strategy: string | undefined;
  /** A value that names nothing: ignored, as Node ignores it, but worth a warning. */
  unknown?: string;
}

/**
 * Reads `NODE_CLUSTER_SCHED_POLICY` as Node does (`rr`, `none`) and also accepts Shoal's strategy names, for
 * which `schedulingPolicy` still reads as SCHED_RR (the primary distributes) or SCHED_NONE (`shared`).
 */
export function policyFromEnvironment(
  value: string | undefined,
  platform: NodeJS.Platform,
): EnvironmentPolicy {
  if (value === 'rr') return { policy: SCHED_RR, strategy: undefined };
  if (value === 'none') return { policy: SCHED_NONE, strategy: undefined };
  // Round robin performs badly with IOCP on Windows, which is why Node defaults to SCHED_NONE there.
  const fallback = platform === 'win32' ? SCHED_NONE : SCHED_RR;
  if (value === undefined || value === '') return { policy: fallback, strategy: undefined };
  const name = strategyAliases[value] ?? value;
  if (!(strategyNames as readonly string[]).includes(name))
    return { policy: fallback, strategy: undefined, unknown: value };
  return { policy: name === 'shared' ? SCHED_NONE : SCHED_RR, strategy: name };
}
