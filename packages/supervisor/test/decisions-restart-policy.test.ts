// The restart policy: backoff growth, cap and jitter, its reset after a stable uptime, the crash-loop guard,
// and the exits that never restart; unit cases and fast-check models.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decideExit,
  type ExitDecision,
  initialRestartState,
  type RestartPolicy,
  resolveRestartPolicy,
  restartPolicyDefaults,
  type SlotRestartState,
} from '../src/decisions/index.js';

const defaults = resolveRestartPolicy();
const middle = () => 0.5;

/** Runs a worker that exits after `uptime` ms each time, restarting after each decided delay. */
function crashRepeatedly(
  policy: RestartPolicy,
  uptimes: readonly number[],
  random: () => number,
): ExitDecision[] {
  let state: SlotRestartState = initialRestartState;
  let startedAt = 1_000_000;
  const decisions: ExitDecision[] = [];
  for (const uptime of uptimes) {
    const now = startedAt + uptime;
    const outcome = decideExit(
      state,
      { now, startedAt, intended: false, shuttingDown: false },
      policy,
      random,
    );
    decisions.push(outcome.decision);
    state = outcome.state;
    if (outcome.decision.kind !== 'restart') break;
    startedAt = now + outcome.decision.delayMs;
  }
  return decisions;
}

describe('resolveRestartPolicy', () => {
  it('fills in the documented defaults', () => {
    expect(resolveRestartPolicy()).toEqual({
      initialDelayMs: 100,
      maxDelayMs: 15_000,
      factor: 2,
      jitter: 0.2,
      stableUptimeMs: 30_000,
      minUptimeMs: 1_000,
      maxQuickExits: 10,
      windowMs: 60_000,
    });
    expect(Object.isFrozen(resolveRestartPolicy({ factor: 1.5 }))).toBe(true);
    expect(restartPolicyDefaults).toEqual(resolveRestartPolicy({}));
  });

  it('rejects wrong types and out-of-range values with Node codes naming the option', () => {
    expect(() => resolveRestartPolicy(null as never)).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_ARG_TYPE',
        message: expect.stringContaining('"options"'),
      }),
    );
    expect(() => resolveRestartPolicy({ factor: '2' as never })).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_ARG_TYPE',
        message: expect.stringContaining('options.factor'),
      }),
    );
    for (const bad of [
      { factor: 0.5 },
      { jitter: 1.5 },
      { jitter: -0.1 },
      { initialDelayMs: -1 },
      { initialDelayMs: 20_000 },
      { maxDelayMs: Number.NaN },
      { maxQuickExits: 0 },
      { maxQuickExits: 2.5 },
      { windowMs: 0 },
      { minUptimeMs: Number.POSITIVE_INFINITY },
    ]) {
      expect(() => resolveRestartPolicy(bad), JSON.stringify(bad)).toThrow(
        expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
      );
    }
  });

  it('accepts Infinity where it means "never", and caps the default initial delay by a small maximum', () => {
    const policy = resolveRestartPolicy({
      maxQuickExits: Infinity,
      windowMs: Infinity,
      stableUptimeMs: Infinity,
    });
    expect(policy.maxQuickExits).toBe(Infinity);
    expect(resolveRestartPolicy({ maxDelayMs: 50 }).initialDelayMs).toBe(50);
  });
});

describe('decideExit', () => {
  const exitAt = (now: number, startedAt: number) => ({
    now,
    startedAt,
    intended: false,
    shuttingDown: false,
  });

  it('never restarts while shutting down, nor after an intended stop, and keeps the state', () => {
    const state = decideExit(initialRestartState, exitAt(5_000, 0), defaults, middle).state;
    const down = decideExit(
      state,
      { now: 6_000, startedAt: 5_900, intended: true, shuttingDown: true },
      defaults,
      middle,
    );
    expect(down.decision).toEqual({ kind: 'stay-down', reason: 'shutting-down' });
    expect(down.state).toBe(state);
    const intended = decideExit(
      state,
      { now: 6_000, startedAt: 5_900, intended: true, shuttingDown: false },
      defaults,
      middle,
    );
    expect(intended.decision).toEqual({ kind: 'stay-down', reason: 'intended' });
    expect(intended.state).toBe(state);
  });

  it('doubles the delay per consecutive restart up to the cap', () => {
    const decisions = crashRepeatedly(defaults, Array(11).fill(5_000), middle);
    expect(decisions.map((d) => (d.kind === 'restart' ? d.delayMs : d.kind))).toEqual([
      100, 200, 400, 800, 1_600, 3_200, 6_400, 12_800, 15_000, 15_000, 15_000,
    ]);
    expect(decisions.map((d) => (d.kind === 'restart' ? d.attempt : -1))).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
  });

  it('resets the backoff after a stable uptime', () => {
    let state = initialRestartState;
    for (let i = 0; i < 5; i++)
      state = decideExit(state, exitAt(10_000 * (i + 1), 10_000 * i + 5_000), defaults, middle).state;
    expect(state.attempt).toBe(5);
    const justShort = decideExit(state, exitAt(129_999, 100_000), defaults, middle);
    expect(justShort.decision).toMatchObject({ kind: 'restart', delayMs: 3_200, attempt: 5 });
    const stable = decideExit(state, exitAt(130_000, 100_000), defaults, middle);
    expect(stable.decision).toMatchObject({ kind: 'restart', delayMs: 100, attempt: 0 });
    expect(stable.state).toMatchObject({ attempt: 1, restarts: 6, quickExitTimes: [] });
  });

  it('spreads a delay by ±jitter and never above the cap', () => {
    const low = decideExit(initialRestartState, exitAt(5_000, 0), defaults, () => 0).decision;
    const high = decideExit(initialRestartState, exitAt(5_000, 0), defaults, () => 0.999_999).decision;
    expect(low).toMatchObject({ delayMs: 80, nominalDelayMs: 100 });
    expect(high.kind === 'restart' && high.delayMs).toBeCloseTo(120, 3);
    const capped = crashRepeatedly(defaults, Array(10).fill(5_000), () => 0.999_999);
    expect(capped.at(-1)).toMatchObject({ kind: 'restart', delayMs: 15_000, nominalDelayMs: 15_000 });
    // A random() outside [0, 1) is clamped rather than trusted.
    const wild = decideExit(initialRestartState, exitAt(5_000, 0), defaults, () => 7).decision;
    expect(wild).toMatchObject({ delayMs: 120 });
  });

  it('declares a crash loop on the 10th quick exit and not before', () => {
    const decisions = crashRepeatedly(defaults, Array(12).fill(10), middle);
    expect(decisions).toHaveLength(10);
    expect(decisions.slice(0, 9).every((d) => d.kind === 'restart')).toBe(true);
    expect(decisions[9]).toEqual({ kind: 'crash-loop', quickExits: 10 });
  });

  it('counts a quick exit as one only below minUptimeMs, and only inside the window', () => {
    const policy = resolveRestartPolicy({ maxQuickExits: 2, windowMs: 10_000, initialDelayMs: 0 });
    let state = decideExit(initialRestartState, exitAt(1_000, 500), policy, middle).state;
    expect(state.quickExitTimes).toEqual([1_000]);
    // An uptime of exactly minUptimeMs is not quick.
    state = decideExit(state, exitAt(3_000, 2_000), policy, middle).state;
    expect(state.quickExitTimes).toEqual([1_000]);
    // Exactly windowMs later, the first quick exit is outside the window.
    const later = decideExit(state, exitAt(11_000, 10_900), policy, middle);
    expect(later.decision.kind).toBe('restart');
    expect(later.state.quickExitTimes).toEqual([11_000]);
    const inside = decideExit(state, exitAt(10_999, 10_900), policy, middle);
    expect(inside.decision).toEqual({ kind: 'crash-loop', quickExits: 2 });
  });

  it('counts every restart in `restarts`, across resets', () => {
    const decisions = crashRepeatedly(
      resolveRestartPolicy({ maxQuickExits: Infinity }),
      Array(20).fill(10),
      middle,
    );
    expect(decisions.every((d) => d.kind === 'restart')).toBe(true);
    let state = initialRestartState;
    for (let i = 0; i < 3; i++)
      state = decideExit(state, exitAt(100_000 * (i + 1), 100_000 * i), defaults, middle).state;
    expect(state).toMatchObject({ restarts: 3, attempt: 1 });
  });

  it('with the defaults, an app that always exits within 1 s is caught on its 10th exit, whatever the jitter', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 999.999, noNaN: true }), { minLength: 10, maxLength: 10 }),
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), {
          minLength: 10,
          maxLength: 10,
        }),
        (uptimes, randoms) => {
          let i = 0;
          const decisions = crashRepeatedly(defaults, uptimes, () => randoms[i++ % randoms.length]!);
          expect(decisions).toHaveLength(10);
          expect(decisions[9]).toEqual({ kind: 'crash-loop', quickExits: 10 });
        },
      ),
    );
  });
});

// Random policies and exit histories against an independent model.
const policyArbitrary = fc.record({
  initialDelayMs: fc.integer({ min: 0, max: 500 }),
  maxDelayMs: fc.integer({ min: 500, max: 5_000 }),
  factor: fc.double({ min: 1, max: 4, noNaN: true }),
  jitter: fc.double({ min: 0, max: 1, noNaN: true }),
  stableUptimeMs: fc.integer({ min: 1, max: 5_000 }),
  minUptimeMs: fc.integer({ min: 0, max: 2_000 }),
  maxQuickExits: fc.integer({ min: 1, max: 6 }),
  windowMs: fc.integer({ min: 1, max: 20_000 }),
});

interface ExitStep {
  gap: number;
  uptime: number;
  random: number;
}

const stepArbitrary: fc.Arbitrary<ExitStep> = fc.record({
  gap: fc.integer({ min: 0, max: 3_000 }),
  uptime: fc.oneof(fc.integer({ min: 0, max: 2_500 }), fc.integer({ min: 0, max: 8_000 })),
  random: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
});

describe('restart policy properties', () => {
  it('before a reset the nominal delay never decreases; every delay stays in its jitter band and under the cap', () => {
    fc.assert(
      fc.property(policyArbitrary, fc.array(stepArbitrary, { maxLength: 40 }), (options, steps) => {
        const policy = resolveRestartPolicy({ ...options, maxQuickExits: Infinity });
        let state = initialRestartState;
        let now = 0;
        let previousNominal = -1;
        for (const step of steps) {
          const startedAt = now + step.gap;
          now = startedAt + step.uptime;
          const exit = { now, startedAt, intended: false, shuttingDown: false };
          const { decision, state: next } = decideExit(state, exit, policy, () => step.random);
          state = next;
          expect(decision.kind).toBe('restart');
          if (decision.kind !== 'restart') return;
          if (step.uptime >= policy.stableUptimeMs) {
            expect(decision.attempt).toBe(0);
            expect(decision.nominalDelayMs).toBe(policy.initialDelayMs);
          } else {
            expect(decision.nominalDelayMs).toBeGreaterThanOrEqual(previousNominal);
          }
          previousNominal = decision.nominalDelayMs;
          const { nominalDelayMs: d, delayMs } = decision;
          expect(d).toBeLessThanOrEqual(policy.maxDelayMs);
          expect(delayMs).toBeLessThanOrEqual(policy.maxDelayMs);
          expect(delayMs).toBeGreaterThanOrEqual(d * (1 - policy.jitter) - 1e-9);
          expect(delayMs).toBeLessThanOrEqual(Math.min(policy.maxDelayMs, d * (1 + policy.jitter)) + 1e-9);
        }
      }),
    );
  });

  it('a crash loop is declared exactly when maxQuickExits quick exits since the last stable run fall inside the window', () => {
    fc.assert(
      fc.property(
        policyArbitrary,
        fc.array(
          fc.record({
            gap: fc.integer({ min: 0, max: 3_000 }),
            uptime: fc.oneof(fc.integer({ min: 0, max: 2_500 }), fc.integer({ min: 0, max: 8_000 })),
            stop: fc.constantFrom('crash', 'crash', 'crash', 'crash', 'intended', 'shutting-down'),
            random: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
          }),
          { maxLength: 60 },
        ),
        (options, steps) => {
          const policy = resolveRestartPolicy(options);
          const history: { at: number; uptime: number }[] = [];
          let state = initialRestartState;
          let now = 0;
          for (const step of steps) {
            const startedAt = now + step.gap;
            now = startedAt + step.uptime;
            const intended = step.stop === 'intended';
            const shuttingDown = step.stop === 'shutting-down';
            const { decision, state: next } = decideExit(
              state,
              { now, startedAt, intended, shuttingDown },
              policy,
              () => step.random,
            );
            state = next;
            if (intended || shuttingDown) {
              expect(decision).toEqual({
                kind: 'stay-down',
                reason: shuttingDown ? 'shutting-down' : 'intended',
              });
              continue;
            }
            history.push({ at: now, uptime: step.uptime });
            // The model: quick exits after the last stable one (this exit included), inside the window.
            let since = 0;
            history.forEach((entry, index) => {
              if (entry.uptime >= policy.stableUptimeMs) since = index;
            });
            const quick = history
              .slice(since)
              .filter((e) => e.uptime < policy.minUptimeMs && e.at > now - policy.windowMs).length;
            if (quick >= policy.maxQuickExits) {
              expect(decision).toEqual({ kind: 'crash-loop', quickExits: quick });
            } else {
              expect(decision.kind).toBe('restart');
            }
          }
        },
      ),
    );
  });
});
