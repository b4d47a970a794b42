// What to do when a slot's worker exits: restart after a backoff delay, stay down, or declare a crash loop.
// Pure: time and randomness come in as arguments, the slot's history as immutable data.
import { jitteredDelay, nominalDelay, type RestartPolicy } from './restart-policy.js';

/** One slot's restart history. Immutable: `decideExit` returns the next one. */
export interface SlotRestartState {
  /** Restarts since the backoff last reset: the attempt number of the next delay. */
  readonly attempt: number;
  /** Times (ms) of the quick exits still inside the window, oldest first. */
  readonly quickExitTimes: readonly number[];
  /** Every restart decided for this slot, never reset (for snapshots and events). */
  readonly restarts: number;
}

/** A slot that never exited; also what to start from again after a crash loop is cleared by hand. */
export const initialRestartState: SlotRestartState = Object.freeze({
  attempt: 0,
  quickExitTimes: Object.freeze([]) as readonly number[],
  restarts: 0,
});

export interface ExitFacts {
  /** When the exit was seen, ms (any clock, the same as `startedAt`'s). */
  now: number;
  /** When the exited worker was started, ms. Its uptime is `now - startedAt` (negative counts as 0). */
  startedAt: number;
  /**
   * The supervisor stopped it on purpose: reload, scale-down, or a hung or oversized worker being replaced
   * (the driver starts that replacement itself).
   */
  intended: boolean;
  /** The supervisor is shutting down: nothing restarts. */
  shuttingDown: boolean;
}

export type ExitDecision =
  | {
      kind: 'restart';
      /** Wait this long before starting the replacement, ms (may be fractional). */
      delayMs: number;
      /** The delay before jitter; never decreases from one restart to the next until a reset. */
      nominalDelayMs: number;
      /** 0 for the first restart after a reset. */
      attempt: number;
    }
  | { kind: 'stay-down'; reason: 'intended' | 'shutting-down' }
  | { kind: 'crash-loop'; quickExits: number };

export interface ExitOutcome {
  decision: ExitDecision;
  state: SlotRestartState;
}

/**
 * Decides what follows a worker's exit. Shutting down wins over intended; both leave the state as it was.
 * Otherwise, in this order:
 * - an uptime >= `stableUptimeMs` resets the backoff (attempt 0) and forgets earlier quick exits;
 * - quick exits older than `windowMs` are forgotten (one exactly `windowMs` old is outside), and this exit
 *   counts as one when its uptime is < `minUptimeMs`;
 * - `maxQuickExits` quick exits inside the window → `crash-loop` (the slot stays down; the state keeps the
 *   history, so a later exit in the window is a crash loop again until `initialRestartState` replaces it);
 * - else `restart` after the attempt's delay, jittered with `random()` (in [0, 1)).
 */
export function decideExit(
  state: SlotRestartState,
  exit: ExitFacts,
  policy: RestartPolicy,
  random: () => number,
): ExitOutcome {
  if (exit.shuttingDown) return { decision: { kind: 'stay-down', reason: 'shutting-down' }, state };
  if (exit.intended) return { decision: { kind: 'stay-down', reason: 'intended' }, state };

  const uptime = Math.max(0, exit.now - exit.startedAt);
  const stable = uptime >= policy.stableUptimeMs;
  const attempt = stable ? 0 : state.attempt;
  const windowStart = exit.now - policy.windowMs;
  const quickExitTimes = stable ? [] : state.quickExitTimes.filter((at) => at > windowStart);
  if (uptime < policy.minUptimeMs) quickExitTimes.push(exit.now);

  if (quickExitTimes.length >= policy.maxQuickExits) {
    return {
      decision: { kind: 'crash-loop', quickExits: quickExitTimes.length },
      state: Object.freeze({
        attempt,
        quickExitTimes: Object.freeze(quickExitTimes),
        restarts: state.restarts,
      }),
    };
  }
  const nominalDelayMs = nominalDelay(policy, attempt);
  return {
    decision: {
      kind: 'restart',
      delayMs: jitteredDelay(policy, nominalDelayMs, random()),
      nominalDelayMs,
      attempt,
    },
    state: Object.freeze({
      attempt: attempt + 1,
      quickExitTimes: Object.freeze(quickExitTimes),
      restarts: state.restarts + 1,
    }),
  };
}
