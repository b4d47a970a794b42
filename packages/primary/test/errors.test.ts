import { describe, expect, it } from 'vitest';
import { describeReceived, errInvalidArgType, errSocketBadPort, ShoalPrimaryError } from '../src/errors.js';

describe('errors', () => {
  it('describes received values as Node’s messages do', () => {
    expect(describeReceived(70000)).toBe('type number (70000)');
    expect(describeReceived('abc')).toBe("type string ('abc')");
    expect(describeReceived(null)).toBe('null');
    expect(describeReceived(undefined)).toBe('undefined');
    expect(describeReceived([])).toBe('an instance of Array');
    expect(describeReceived(() => 1)).toMatch(/^function /);
  });

  it('builds ERR_SOCKET_BAD_PORT like Node', () => {
    const error = errSocketBadPort('Port', 70000);
    expect(error).toBeInstanceOf(RangeError);
    expect(error.code).toBe('ERR_SOCKET_BAD_PORT');
    expect(error.message).toBe('Port should be >= 0 and < 65536. Received type number (70000).');
    expect(error.stack).toMatch(/^RangeError \[ERR_SOCKET_BAD_PORT\]/);
    expect(error.name).toBe('RangeError');
  });

  it('builds ERR_INVALID_ARG_TYPE like Node', () => {
    const error = errInvalidArgType('options', 'of type object', 5);
    expect(error).toBeInstanceOf(TypeError);
    expect(error.code).toBe('ERR_INVALID_ARG_TYPE');
    expect(error.message).toBe('The "options" argument must be of type object. Received type number (5)');
  });

  it('brands Shoal errors so instanceof works across copies of the package', () => {
    const error = new ShoalPrimaryError('SHOAL_ERR_EXAMPLE', 'example');
    expect(error).toBeInstanceOf(ShoalPrimaryError);
    const lookalike = Object.assign(new Error('x'), { [Symbol.for('shoal.error')]: true });
    expect(lookalike).toBeInstanceOf(ShoalPrimaryError);
    expect(new Error('plain')).not.toBeInstanceOf(ShoalPrimaryError);
  });
});
