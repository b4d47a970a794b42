// Hang judgement from heartbeat times: the threshold, the start-up grace, and its options' validation.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hangDeadline, hangDefaults, isHung, resolveHangOptions } from '../src/decisions/index.js';

describe('isHung', () => {
  it('is hung once the silence since the last heartbeat is longer than the threshold (default 2 s)', () => {
    const facts = { startedAt: 0, lastHeartbeatAt: 10_000 };
    expect(isHung({ ...facts, now: 10_500 })).toBe(false);
    expect(isHung({ ...facts, now: 12_000 })).toBe(false);
    expect(isHung({ ...facts, now: 12_001 })).toBe(true);
    expect(isHung({ ...facts, now: 10_600, thresholdMs: 500 })).toBe(true);
  });

  it('before the first heartbeat, counts from the start plus the grace (default 3 s)', () => {
    const facts = { startedAt: 1_000, lastHeartbeatAt: undefined };
    expect(hangDeadline(facts)).toBe(1_000 + 3_000 + 2_000);
    expect(isHung({ ...facts, now: 6_000 })).toBe(false);
    expect(isHung({ ...facts, now: 6_001 })).toBe(true);
    expect(isHung({ ...facts, now: 1_501, graceMs: 0, thresholdMs: 500 })).toBe(true);
    // Once a heartbeat came, the grace no longer matters.
    expect(isHung({ startedAt: 1_000, lastHeartbeatAt: 1_100, now: 3_101, graceMs: 60_000 })).toBe(true);
  });

  it('only turns from alive to hung as time passes, at the deadline', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e6 }),
        fc.option(fc.integer({ min: 0, max: 1e5 }), { nil: undefined }),
        fc.integer({ min: 1, max: 1e4 }),
        fc.integer({ min: 0, max: 1e4 }),
        fc.integer({ min: 0, max: 1e6 }),
        (startedAt, beatAfter, thresholdMs, graceMs, now) => {
          const facts = {
            startedAt,
            lastHeartbeatAt: beatAfter === undefined ? undefined : startedAt + beatAfter,
            thresholdMs,
            graceMs,
          };
          const deadline = hangDeadline(facts);
          expect(isHung({ ...facts, now })).toBe(now > deadline);
          if (isHung({ ...facts, now })) expect(isHung({ ...facts, now: now + 1 })).toBe(true);
        },
      ),
    );
  });
});

describe('resolveHangOptions', () => {
  it('fills in defaults and validates with Node codes', () => {
    expect(resolveHangOptions()).toEqual({ thresholdMs: 2_000, graceMs: 3_000 });
    expect(hangDefaults).toEqual(resolveHangOptions({}));
    expect(resolveHangOptions({ thresholdMs: 100, graceMs: 0 })).toEqual({ thresholdMs: 100, graceMs: 0 });
    expect(() => resolveHangOptions({ thresholdMs: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => resolveHangOptions({ graceMs: -1 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => resolveHangOptions({ thresholdMs: '5' as never })).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_ARG_TYPE',
        message: expect.stringContaining('options.thresholdMs'),
      }),
    );
  });
});
