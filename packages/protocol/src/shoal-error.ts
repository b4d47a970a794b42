// The brand that lets `instanceof` recognise a Shoal error made by another copy of its package (two versions
// installed side by side), where the prototype check alone would say no.

/** Carried by every Shoal error, from any package. */
const kShoalError = Symbol.for('shoal.error');

/**
 * Marks `error` as a Shoal error of one family (`Symbol.for('shoal.<package>.error')`). Both marks are
 * non-enumerable own properties, so they stay out of `Object.keys`, JSON and `util.inspect`'s listing.
 */
export function brandShoalError(error: Error, family: symbol): void {
  Object.defineProperty(error, kShoalError, { value: true });
  Object.defineProperty(error, family, { value: true });
}

/** Whether `value` carries the family brand, whichever copy of the package made it. */
export function hasShoalBrand(value: unknown, family: symbol): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[family] === true;
}
