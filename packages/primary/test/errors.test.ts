import { describe, expect, it } from 'vitest';
import { describeReceived, errInternalAssertion, errSocketBadPort } from '../src/errors.js';

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

  it('builds ERR_INTERNAL_ASSERTION like Node', () => {
    const error = errInternalAssertion('Bad cluster.schedulingPolicy: 5');
    expect(error.code).toBe('ERR_INTERNAL_ASSERTION');
    expect(error.message).toBe('Bad cluster.schedulingPolicy: 5');
  });
});
