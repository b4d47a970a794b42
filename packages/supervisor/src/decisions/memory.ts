// Whether a worker is over its memory limits for enough consecutive samples that one spike does not count.
import { optionOr, validateInteger, validateNumberOrInfinity, validateOptionsObject } from './validate.js';

export interface MemoryLimitOptions {
  /** Resident set size limit, bytes; absent or Infinity: none. PM2's `max_memory_restart` is this one. */
  maxRssBytes?: number;
  /** V8 heap in use (`heapUsed`) limit, bytes; absent or Infinity: none. */
  maxHeapBytes?: number;
  /** Samples in a row over a limit before the worker counts as over. Default 2. */
  consecutive?: number;
}

export type MemoryLimits = Readonly<Required<MemoryLimitOptions>>;

export function resolveMemoryLimits(options: MemoryLimitOptions = {}, name = 'options'): MemoryLimits {
  validateOptionsObject(options, name);
  const maxRssBytes = optionOr(options, 'maxRssBytes', Number.POSITIVE_INFINITY);
  validateNumberOrInfinity(maxRssBytes, `${name}.maxRssBytes`, 1);
  const maxHeapBytes = optionOr(options, 'maxHeapBytes', Number.POSITIVE_INFINITY);
  validateNumberOrInfinity(maxHeapBytes, `${name}.maxHeapBytes`, 1);
  const consecutive = optionOr(options, 'consecutive', 2);
  validateInteger(consecutive, `${name}.consecutive`, 1);
  return Object.freeze({ maxRssBytes, maxHeapBytes, consecutive });
}

/** Samples in a row over a limit so far, per worker; a new worker starts from `initialMemoryState`. */
export interface MemoryState {
  readonly overSamples: number;
}

export const initialMemoryState: MemoryState = Object.freeze({ overSamples: 0 });

export interface MemorySample {
  rss: number;
  heapUsed: number;
}

export interface MemoryVerdict {
  /** `consecutive` samples in a row, this one included, were over a limit. Stays true while they are. */
  over: boolean;
  /** Which limits this sample is over (strictly above); empty when under. */
  exceeded: readonly ('rss' | 'heap')[];
  state: MemoryState;
}

/** Judges one metrics sample; a sample under every limit (or not a number) starts the count again. */
export function overLimit(state: MemoryState, sample: MemorySample, limits: MemoryLimits): MemoryVerdict {
  const exceeded: ('rss' | 'heap')[] = [];
  if (sample.rss > limits.maxRssBytes) exceeded.push('rss');
  if (sample.heapUsed > limits.maxHeapBytes) exceeded.push('heap');
  const overSamples = exceeded.length > 0 ? state.overSamples + 1 : 0;
  return {
    over: overSamples >= limits.consecutive,
    exceeded,
    state: overSamples === state.overSamples ? state : Object.freeze({ overSamples }),
  };
}
