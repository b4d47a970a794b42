// Scaling plans: grow into the lowest free slots, shrink from the highest, keep 0..N-1 contiguous.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planScale } from '../src/decisions/index.js';

describe('planScale', () => {
  it('grows into the next indices and shrinks from the highest', () => {
    expect(planScale([0, 1], 4)).toEqual({ start: [2, 3], drain: [] });
    expect(planScale([3, 0, 2, 1], 2)).toEqual({ start: [], drain: [3, 2] });
    expect(planScale([0, 1, 2], 3)).toEqual({ start: [], drain: [] });
    expect(planScale([], 2)).toEqual({ start: [0, 1], drain: [] });
    expect(planScale([0, 1], 0)).toEqual({ start: [], drain: [1, 0] });
  });

  it('fills holes first', () => {
    expect(planScale([0, 2, 5], 5)).toEqual({ start: [1, 3], drain: [] });
    expect(planScale([0, 2, 5], 1)).toEqual({ start: [], drain: [5, 2] });
  });

  it('validates with Node codes', () => {
    expect(() => planScale([0], -1)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => planScale([0], 1.5)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => planScale([0], '2' as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => planScale([0, 0], 2)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => planScale([-1], 2)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
  });

  it('any sequence of targets from nothing keeps the slots exactly 0..target-1', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 12 }), { maxLength: 20 }), (targets) => {
        let slots: number[] = [];
        for (const target of targets) {
          const { start, drain } = planScale(slots, target);
          expect(start.some((s) => slots.includes(s))).toBe(false);
          expect(drain.every((s) => slots.includes(s))).toBe(true);
          expect(start.length === 0 || drain.length === 0).toBe(true);
          slots = [...slots.filter((s) => !drain.includes(s)), ...start];
          expect([...slots].sort((a, b) => a - b)).toEqual(Array.from({ length: target }, (_, i) => i));
        }
      }),
    );
  });

  it('with holes, starts the lowest free indices and drains the highest taken ones', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 20 }), { maxLength: 10 }),
        fc.nat(15),
        (slots, target) => {
          const { start, drain } = planScale(slots, target);
          expect(slots.length + start.length - drain.length).toBe(target);
          const free = Array.from({ length: 40 }, (_, i) => i).filter((i) => !slots.includes(i));
          expect(start).toEqual(free.slice(0, start.length));
          expect(drain).toEqual([...slots].sort((a, b) => b - a).slice(0, drain.length));
        },
      ),
    );
  });
});
