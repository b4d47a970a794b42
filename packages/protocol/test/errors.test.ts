import { describe, expect, it } from 'vitest';
import { isProtocolError, ProtocolError, ProtocolErrorCode } from '../src/index.js';

describe('ProtocolError', () => {
  it('carries a code, a message, details and a cause', () => {
    const cause = new Error('root');
    const error = new ProtocolError(ProtocolErrorCode.REQUEST_TIMEOUT, 'late', { cause, details: { id: 1 } });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ProtocolError');
    expect(error.code).toBe('SHOAL_ERR_REQUEST_TIMEOUT');
    expect(error.message).toBe('late');
    expect(error.cause).toBe(cause);
    expect(error.details).toEqual({ id: 1 });
    expect(Object.keys(error)).not.toContain('name');
    expect(String(error)).toBe('ProtocolError: late');
  });

  it('has no cause property when none is given', () => {
    expect('cause' in new ProtocolError(ProtocolErrorCode.MALFORMED, 'x')).toBe(false);
  });

  it('lists the documented stable codes', () => {
    expect(Object.values(ProtocolErrorCode).sort()).toEqual([
      'SHOAL_ERR_CHANNEL_CLOSED',
      'SHOAL_ERR_PROTOCOL_MALFORMED',
      'SHOAL_ERR_PROTOCOL_ROLE_CONFLICT',
      'SHOAL_ERR_PROTOCOL_UNKNOWN_KIND',
      'SHOAL_ERR_PROTOCOL_VERSION_MISMATCH',
      'SHOAL_ERR_REQUEST_CANCELLED',
      'SHOAL_ERR_REQUEST_TIMEOUT',
      'SHOAL_ERR_RPC_DUPLICATE_HANDLER',
      'SHOAL_ERR_RPC_REMOTE',
      'SHOAL_ERR_RPC_UNKNOWN_METHOD',
      'SHOAL_ERR_TRANSPORT_SEND',
    ]);
  });

  it('is recognised across duplicate copies of the package', async () => {
    // A second instance of the module, as a second installed copy of the package would give.
    const specifier = '../src/errors.js?duplicate-copy';
    const copy = (await import(specifier)) as typeof import('../src/errors.js');
    expect(copy.ProtocolError).not.toBe(ProtocolError);
    const foreign = new copy.ProtocolError('SHOAL_ERR_CHANNEL_CLOSED', 'closed');
    expect(foreign).toBeInstanceOf(ProtocolError);
    expect(new ProtocolError(ProtocolErrorCode.MALFORMED, 'x')).toBeInstanceOf(copy.ProtocolError);
    expect(isProtocolError(foreign, 'SHOAL_ERR_CHANNEL_CLOSED')).toBe(true);
    expect(isProtocolError(foreign, 'SHOAL_ERR_RPC_REMOTE')).toBe(false);
  });

  it('is not fooled by look-alikes, and subclasses keep the ordinary check', () => {
    expect(new Error('x')).not.toBeInstanceOf(ProtocolError);
    expect({ code: 'SHOAL_ERR_PROTOCOL_MALFORMED' }).not.toBeInstanceOf(ProtocolError);
    expect({ [Symbol.for('shoal.error')]: 'SomethingElse' }).not.toBeInstanceOf(ProtocolError);
    expect(null).not.toBeInstanceOf(ProtocolError);
    class Narrower extends ProtocolError {}
    expect(new ProtocolError(ProtocolErrorCode.MALFORMED, 'x')).not.toBeInstanceOf(Narrower);
    expect(new Narrower(ProtocolErrorCode.MALFORMED, 'x')).toBeInstanceOf(ProtocolError);
    expect(isProtocolError('SHOAL_ERR_PROTOCOL_MALFORMED')).toBe(false);
  });
});
