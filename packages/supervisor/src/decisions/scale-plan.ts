// Which slots to start and which to drain to go from the current slots to a target count.
import { errInvalidArgValue } from '@shoal/protocol/node-errors';
import { validateInteger } from './validate.js';

export interface ScalePlan {
  /** Slots to start, ascending: the lowest free indices, so 0..N-1 stays contiguous. */
  start: number[];
  /** Slots to drain, highest index first. */
  drain: number[];
}

/**
 * `current`: the slots that have (or are getting) a worker, in any order; distinct non-negative integers.
 * Grows by filling the lowest free indices, shrinks from the highest; a target equal to the count is empty.
 */
export function planScale(current: readonly number[], target: number): ScalePlan {
  validateInteger(target, 'target', 0);
  const taken = new Set<number>();
  for (const slot of current) {
    if (!Number.isInteger(slot) || slot < 0 || taken.has(slot)) {
      throw errInvalidArgValue('current', current, 'must hold distinct non-negative integer slots');
    }
    taken.add(slot);
  }
  const start: number[] = [];
  for (let slot = 0; taken.size + start.length < target; slot++) {
    if (!taken.has(slot)) start.push(slot);
  }
  const drain = [...taken].sort((a, b) => b - a).slice(0, Math.max(0, taken.size - target));
  return { start, drain };
}
