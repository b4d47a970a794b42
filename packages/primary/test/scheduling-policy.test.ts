import { describe, expect, it } from 'vitest';
import { policyFromEnvironment, SCHED_NONE, SCHED_RR } from '../src/scheduling-policy.js';

describe('NODE_CLUSTER_SCHED_POLICY', () => {
  it('reads Node’s values', () => {
    expect(policyFromEnvironment('rr', 'linux')).toEqual({ policy: SCHED_RR, strategy: undefined });
    expect(policyFromEnvironment('none', 'linux')).toEqual({ policy: SCHED_NONE, strategy: undefined });
  });

  it('defaults to round robin, except on Windows', () => {
    expect(policyFromEnvironment(undefined, 'linux').policy).toBe(SCHED_RR);
    expect(policyFromEnvironment('', 'darwin').policy).toBe(SCHED_RR);
    expect(policyFromEnvironment(undefined, 'win32').policy).toBe(SCHED_NONE);
  });

  it('takes Shoal strategy names while schedulingPolicy stays one of Node’s numbers', () => {
    expect(policyFromEnvironment('least-connections', 'linux')).toEqual({
      policy: SCHED_RR,
      strategy: 'least-connections',
    });
    expect(policyFromEnvironment('shared', 'linux')).toEqual({ policy: SCHED_NONE, strategy: 'shared' });
  });
});
