// Small statistics over repeated measurements: medians, ranges, spread and the paired Shoal/node ratios.

// NaN (nothing measured) is left out; Infinity (a worker that got nothing, in max/min) is a real value.
export function median(values) {
  const sorted = values.filter((value) => !Number.isNaN(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** median, min and max of the measured (non-NaN) values (NaN for all three when there are none). */
export function summarize(values) {
  const finite = values.filter((value) => typeof value === 'number' && !Number.isNaN(value));
  if (finite.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, n: 0 };
  return { median: median(finite), min: Math.min(...finite), max: Math.max(...finite), n: finite.length };
}

/** Coefficient of variation (population standard deviation / mean) of per-worker counts. */
export function coefficientOfVariation(counts) {
  if (counts.length === 0) return Number.NaN;
  const mean = counts.reduce((sum, count) => sum + count, 0) / counts.length;
  if (mean === 0) return Number.NaN;
  const variance = counts.reduce((sum, count) => sum + (count - mean) ** 2, 0) / counts.length;
  return Math.sqrt(variance) / mean;
}

/** Largest per-worker count over the smallest (Infinity when a worker got nothing). */
export function maxOverMin(counts) {
  if (counts.length === 0) return Number.NaN;
  const min = Math.min(...counts);
  return min === 0 ? Number.POSITIVE_INFINITY : Math.max(...counts) / min;
}

/**
 * Per-pair Shoal/node ratios of one metric and their summary. For a lower-is-better metric (time, CPU)
 * the ratio is still shoal/node: below 1 means Shoal did better.
 */
export function pairedRatios(pairs, metric) {
  const ratios = pairs.map((pair) => metric(pair.shoal) / metric(pair.node));
  return { perPair: ratios, ...summarize(ratios) };
}
