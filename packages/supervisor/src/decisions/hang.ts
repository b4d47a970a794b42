// Whether a worker's heartbeats stopped for longer than the threshold: a hung (blocked) event loop.
import { optionOr, validateFiniteNumber, validateOptionsObject } from './validate.js';

export interface HangOptions {
  /** Silence longer than this is a hang, ms. Default 2_000 (four missed beats at the 500 ms default interval). */
  thresholdMs?: number;
  /**
   * Extra time before the first heartbeat, ms: a worker loading its modules blocks its own event loop
   * before it can beat. Default 3_000 (PM2's `listen_timeout`), so a worker that never beats is hung 5 s
   * after it started. The driver's start-up timeout usually fires first.
   */
  graceMs?: number;
}

export type ResolvedHangOptions = Readonly<Required<HangOptions>>;

export const hangDefaults: ResolvedHangOptions = Object.freeze({ thresholdMs: 2_000, graceMs: 3_000 });

export function resolveHangOptions(options: HangOptions = {}, name = 'options'): ResolvedHangOptions {
  validateOptionsObject(options, name);
  const thresholdMs = optionOr(options, 'thresholdMs', hangDefaults.thresholdMs);
  validateFiniteNumber(thresholdMs, `${name}.thresholdMs`, 1);
  const graceMs = optionOr(options, 'graceMs', hangDefaults.graceMs);
  validateFiniteNumber(graceMs, `${name}.graceMs`, 0);
  return Object.freeze({ thresholdMs, graceMs });
}

export interface HeartbeatFacts extends HangOptions {
  /** When the worker was started, ms. */
  startedAt: number;
  /** When its latest heartbeat arrived, ms; undefined before the first one. */
  lastHeartbeatAt: number | undefined;
}

/**
 * The last moment the worker still counts as alive: `lastHeartbeatAt + thresholdMs`, or before any heartbeat
 * `startedAt + graceMs + thresholdMs`. The driver can arm its one check timer for just after it.
 */
export function hangDeadline(facts: HeartbeatFacts): number {
  const thresholdMs = facts.thresholdMs ?? hangDefaults.thresholdMs;
  if (facts.lastHeartbeatAt !== undefined) return facts.lastHeartbeatAt + thresholdMs;
  return facts.startedAt + (facts.graceMs ?? hangDefaults.graceMs) + thresholdMs;
}

/** Hung when `now` is past the deadline (silence strictly longer than the threshold). */
export function isHung(facts: HeartbeatFacts & { now: number }): boolean {
  return facts.now > hangDeadline(facts);
}
