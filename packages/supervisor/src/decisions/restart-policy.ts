// The restart policy's options (backoff, its reset, the crash-loop guard), validated once, and the backoff
// delay they give for a given attempt.
import {
  optionOr,
  validateFiniteNumber,
  validateIntegerOrInfinity,
  validateNumberOrInfinity,
  validateOptionsObject,
} from './validate.js';

export interface RestartPolicyOptions {
  /** Delay before the first restart after a reset, ms. Default 100 (PM2's usual `exp_backoff_restart_delay`). */
  initialDelayMs?: number;
  /** Ceiling of every delay, jitter included, ms. Default 15_000 (PM2's cap). */
  maxDelayMs?: number;
  /** Growth per consecutive restart, >= 1. Default 2 (PM2 uses 1.5; 2 reaches the cap in 8 steps). */
  factor?: number;
  /**
   * Random spread as a fraction of the delay, in [0, 1]: the delay is drawn uniformly from
   * [d·(1−jitter), d·(1+jitter)], then capped at `maxDelayMs`. Default 0.2, so slots that crash together do
   * not restart in lockstep.
   */
  jitter?: number;
  /** An uptime after which the backoff (and the quick-exit history) resets, ms. Default 30_000 (as PM2). */
  stableUptimeMs?: number;
  /** An exit before this uptime is a quick exit, counted for the crash-loop guard, ms. Default 1_000 (PM2's `min_uptime`). */
  minUptimeMs?: number;
  /** This many quick exits inside `windowMs` is a crash loop; Infinity turns the guard off. Default 10. */
  maxQuickExits?: number;
  /**
   * The window quick exits are counted in, ms. Default 60_000: with the default backoff, 10 exits each under
   * 1 s of uptime span under 55 s (jitter at its highest), so an app that always crashes is caught on its 10th exit.
   */
  windowMs?: number;
}

/** Options with every default filled in and checked; what `decideExit` takes. */
export type RestartPolicy = Readonly<Required<RestartPolicyOptions>>;

export const restartPolicyDefaults: RestartPolicy = Object.freeze({
  initialDelayMs: 100,
  maxDelayMs: 15_000,
  factor: 2,
  jitter: 0.2,
  stableUptimeMs: 30_000,
  minUptimeMs: 1_000,
  maxQuickExits: 10,
  windowMs: 60_000,
});

/** Fills in defaults and validates; throws ERR_INVALID_ARG_TYPE / ERR_OUT_OF_RANGE naming `name.<key>`. */
export function resolveRestartPolicy(options: RestartPolicyOptions = {}, name = 'options'): RestartPolicy {
  validateOptionsObject(options, name);
  const d = restartPolicyDefaults;
  const maxDelayMs = optionOr(options, 'maxDelayMs', d.maxDelayMs);
  validateFiniteNumber(maxDelayMs, `${name}.maxDelayMs`, 0);
  const initialDelayMs = optionOr(options, 'initialDelayMs', Math.min(d.initialDelayMs, maxDelayMs));
  validateFiniteNumber(initialDelayMs, `${name}.initialDelayMs`, 0, maxDelayMs);
  const factor = optionOr(options, 'factor', d.factor);
  validateFiniteNumber(factor, `${name}.factor`, 1);
  const jitter = optionOr(options, 'jitter', d.jitter);
  validateFiniteNumber(jitter, `${name}.jitter`, 0, 1);
  const stableUptimeMs = optionOr(options, 'stableUptimeMs', d.stableUptimeMs);
  validateNumberOrInfinity(stableUptimeMs, `${name}.stableUptimeMs`, 0);
  const minUptimeMs = optionOr(options, 'minUptimeMs', d.minUptimeMs);
  validateFiniteNumber(minUptimeMs, `${name}.minUptimeMs`, 0);
  const maxQuickExits = optionOr(options, 'maxQuickExits', d.maxQuickExits);
  validateIntegerOrInfinity(maxQuickExits, `${name}.maxQuickExits`, 1);
  const windowMs = optionOr(options, 'windowMs', d.windowMs);
  validateNumberOrInfinity(windowMs, `${name}.windowMs`, 1);
  return Object.freeze({
    initialDelayMs,
    maxDelayMs,
    factor,
    jitter,
    stableUptimeMs,
    minUptimeMs,
    maxQuickExits,
    windowMs,
  });
}

/** The delay before restart number `attempt` (0 = first after a reset) without jitter: never decreasing. */
export function nominalDelay(policy: RestartPolicy, attempt: number): number {
  if (policy.initialDelayMs === 0) return 0;
  // factor ** attempt may overflow to Infinity; the cap takes it back.
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** attempt);
}

/** `nominal` spread by the jitter with `r` in [0, 1) (anything outside is clamped), never above the cap. */
export function jitteredDelay(policy: RestartPolicy, nominal: number, r: number): number {
  const unit = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 0.5;
  const spread = nominal * (1 + policy.jitter * (2 * unit - 1));
  return Math.min(policy.maxDelayMs, Math.max(0, spread));
}
