import { describe, expect, it } from 'vitest';
import { ProtocolError, ProtocolErrorCode } from '../src/index.js';
import { brandShoalError, hasShoalBrand } from '../src/node-errors.js';

describe('the Shoal error brand', () => {
  const family = Symbol.for('shoal.test.error');

  it('marks an error as a Shoal error of one family, out of sight', () => {
    const error = new Error('x');
    brandShoalError(error, family);
    expect(hasShoalBrand(error, family)).toBe(true);
    expect((error as unknown as Record<symbol, unknown>)[Symbol.for('shoal.error')]).toBe(true);
    expect(Object.keys(error)).toEqual([]);
    expect(
      Object.getOwnPropertySymbols(error).some(
        (key) => Object.getOwnPropertyDescriptor(error, key)?.enumerable,
      ),
    ).toBe(false);
  });

  it('tells families apart and refuses look-alikes', () => {
    const error = new Error('x');
    brandShoalError(error, family);
    expect(hasShoalBrand(error, Symbol.for('shoal.other.error'))).toBe(false);
    expect(hasShoalBrand({ [family]: 'yes' }, family)).toBe(false);
    expect(hasShoalBrand(null, family)).toBe(false);
    expect(hasShoalBrand('shoal', family)).toBe(false);
  });

  it('is what ProtocolError is recognised by', () => {
    const error = new ProtocolError(ProtocolErrorCode.MALFORMED, 'x');
    expect(hasShoalBrand(error, Symbol.for('shoal.protocol.error'))).toBe(true);
    expect(hasShoalBrand(error, Symbol.for('shoal.scheduler.error'))).toBe(false);
    const foreign = new Error('from another copy');
    brandShoalError(foreign, Symbol.for('shoal.protocol.error'));
    expect(foreign).toBeInstanceOf(ProtocolError);
    const scheduler = new Error('a scheduler error');
    brandShoalError(scheduler, Symbol.for('shoal.scheduler.error'));
    expect(scheduler).not.toBeInstanceOf(ProtocolError);
  });
});
