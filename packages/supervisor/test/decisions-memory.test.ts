// Memory limits: N consecutive samples over before a worker counts as over, so one spike does not.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  initialMemoryState,
  type MemoryLimits,
  type MemoryState,
  overLimit,
  resolveMemoryLimits,
} from '../src/decisions/index.js';

const MB = 1024 * 1024;

function feed(limits: MemoryLimits, samples: { rss: number; heapUsed: number }[]): boolean[] {
  let state: MemoryState = initialMemoryState;
  return samples.map((sample) => {
    const verdict = overLimit(state, sample, limits);
    state = verdict.state;
    return verdict.over;
  });
}

describe('overLimit', () => {
  const limits = resolveMemoryLimits({ maxRssBytes: 100 * MB, maxHeapBytes: 50 * MB });

  it('ignores one spike and reports two samples in a row over (default consecutive 2)', () => {
    const high = { rss: 150 * MB, heapUsed: 10 * MB };
    const low = { rss: 80 * MB, heapUsed: 10 * MB };
    expect(feed(limits, [high, low, high, high, high, low, high])).toEqual([
      false,
      false,
      false,
      true,
      true,
      false,
      false,
    ]);
  });

  it('names the limits a sample is over, strictly above', () => {
    const verdict = overLimit(initialMemoryState, { rss: 101 * MB, heapUsed: 51 * MB }, limits);
    expect(verdict.exceeded).toEqual(['rss', 'heap']);
    expect(overLimit(initialMemoryState, { rss: 100 * MB, heapUsed: 50 * MB }, limits).exceeded).toEqual([]);
    expect(overLimit(initialMemoryState, { rss: 1, heapUsed: 51 * MB }, limits).exceeded).toEqual(['heap']);
  });

  it('mixes limits: rss over then heap over is two in a row', () => {
    expect(
      feed(limits, [
        { rss: 101 * MB, heapUsed: 0 },
        { rss: 0, heapUsed: 51 * MB },
      ]),
    ).toEqual([false, true]);
  });

  it('without limits nothing is over; a sample that is not a number counts as under', () => {
    expect(
      feed(resolveMemoryLimits(), [
        { rss: 1e15, heapUsed: 1e15 },
        { rss: 1e15, heapUsed: 1e15 },
      ]),
    ).toEqual([false, false]);
    const one = resolveMemoryLimits({ maxRssBytes: 10, consecutive: 1 });
    expect(
      feed(one, [
        { rss: 11, heapUsed: 0 },
        { rss: Number.NaN, heapUsed: 0 },
      ]),
    ).toEqual([true, false]);
  });

  it('keeps the same state object while nothing changes', () => {
    const verdict = overLimit(initialMemoryState, { rss: 1, heapUsed: 1 }, limits);
    expect(verdict.state).toBe(initialMemoryState);
  });

  it('model: over exactly when the last `consecutive` samples were all over a limit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.array(
          fc.record({ rss: fc.integer({ min: 0, max: 200 }), heapUsed: fc.integer({ min: 0, max: 200 }) }),
          {
            maxLength: 40,
          },
        ),
        (consecutive, samples) => {
          const small = resolveMemoryLimits({ maxRssBytes: 120, maxHeapBytes: 150, consecutive });
          const verdicts = feed(small, samples);
          verdicts.forEach((over, i) => {
            const recent = samples.slice(Math.max(0, i + 1 - consecutive), i + 1);
            const expected =
              recent.length === consecutive && recent.every((s) => s.rss > 120 || s.heapUsed > 150);
            expect(over).toBe(expected);
          });
        },
      ),
    );
  });
});

describe('resolveMemoryLimits', () => {
  it('fills in defaults and validates with Node codes', () => {
    expect(resolveMemoryLimits()).toEqual({ maxRssBytes: Infinity, maxHeapBytes: Infinity, consecutive: 2 });
    expect(() => resolveMemoryLimits({ maxRssBytes: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => resolveMemoryLimits({ consecutive: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => resolveMemoryLimits({ maxHeapBytes: '1G' as never })).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_ARG_TYPE',
        message: expect.stringContaining('options.maxHeapBytes'),
      }),
    );
  });
});
