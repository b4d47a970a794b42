// Validates the params of the primary's `shoal.drain` request; a bad one is answered with an RPC error.
import { errInvalidArgType, errOutOfRange } from '@shoal/protocol/node-errors';

/** Used when the primary sends no `timeoutMs`: Kubernetes' default grace period. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 30_000;

const timeoutMax = 2 ** 31 - 1;

export interface DrainParams {
  timeoutMs: number;
  /** Close idle keep-alive connections at once (the load balancer has stopped sending: a shutdown's delay). */
  closeIdle: boolean;
}

export function parseDrainParams(params: unknown): DrainParams {
  if (params === undefined || params === null)
    return { timeoutMs: DEFAULT_DRAIN_TIMEOUT_MS, closeIdle: false };
  if (typeof params !== 'object') throw errInvalidArgType('params', 'object', params);
  const { closeIdle: closeIdleParam } = params as { closeIdle?: unknown };
  if (closeIdleParam !== undefined && typeof closeIdleParam !== 'boolean')
    throw errInvalidArgType('params.closeIdle', 'boolean', closeIdleParam);
  const closeIdle = closeIdleParam === true;
  const { timeoutMs } = params as { timeoutMs?: unknown };
  if (timeoutMs === undefined) return { timeoutMs: DEFAULT_DRAIN_TIMEOUT_MS, closeIdle };
  if (typeof timeoutMs !== 'number') throw errInvalidArgType('params.timeoutMs', 'number', timeoutMs);
  if (timeoutMs === Number.POSITIVE_INFINITY) return { timeoutMs, closeIdle };
  if (!(timeoutMs >= 0 && timeoutMs <= timeoutMax)) {
    throw errOutOfRange('params.timeoutMs', `>= 0 && <= ${timeoutMax} or Infinity`, timeoutMs);
  }
  return { timeoutMs, closeIdle };
}
