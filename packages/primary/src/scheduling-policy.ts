// Node's two scheduling policies and how Shoal maps policy values and strategy names onto them.
export const SCHED_NONE = 1;
export const SCHED_RR = 2;

/** What `cluster.schedulingPolicy` and `NODE_CLUSTER_SCHED_POLICY` may hold: Node's numbers or a strategy name. */
export type SchedulingPolicy = number | string;

/** Reads `NODE_CLUSTER_SCHED_POLICY` as Node does (`rr`, `none`), and Shoal's strategy names. */
export function policyFromEnvironment(
  value: string | undefined,
  platform: NodeJS.Platform,
): SchedulingPolicy {
  if (value === 'rr') return SCHED_RR;
  if (value === 'none') return SCHED_NONE;
  if (value !== undefined && value !== '') return value;
  // Round robin performs badly with IOCP on Windows, which is why Node defaults to SCHED_NONE there.
  return platform === 'win32' ? SCHED_NONE : SCHED_RR;
}
