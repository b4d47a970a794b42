// Validates the params of the primary's `shoal.drain` request; a bad one is answered with an RPC error.
import { errInvalidArgType, errOutOfRange } from '@shoal/protocol/node-errors';

/** Used when the primary sends no `timeoutMs`: Kubernetes' default grace period. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 30_000;

const timeoutMax = 2 ** 31 - 1;

export function parseDrainParams(params: unknown): { timeoutMs: number } {
  if (params === undefined || params === null) return { timeoutMs: DEFAULT_DRAIN_TIMEOUT_MS };
  if (typeof params !== 'object') throw errInvalidArgType('params', 'object', params);
  const { timeoutMs } = params as { timeoutMs?: unknown };
  if (timeoutMs === undefined) return { timeoutMs: DEFAULT_DRAIN_TIMEOUT_MS };
  if (typeof timeoutMs !== 'number') throw errInvalidArgType('params.timeoutMs', 'number', timeoutMs);
  if (timeoutMs === Number.POSITIVE_INFINITY) return { timeoutMs };
  if (!(timeoutMs >= 0 && timeoutMs <= timeoutMax)) {
    throw errOutOfRange('params.timeoutMs', `>= 0 && <= ${timeoutMax} or Infinity`, timeoutMs);
  }
  return { timeoutMs };
}
