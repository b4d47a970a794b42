import { describe, expect, it } from 'vitest';
import { isUsingInspector, nextInspectPort } from '../src/inspect-port.js';

describe('inspector ports for workers', () => {
  it('detects inspector flags', () => {
    expect(isUsingInspector(['--inspect=0'])).toBe(true);
  });

  it('uses the given number or function, and counts up from the primary’s port otherwise', () => {
    expect(nextInspectPort(9300)).toBe(9300);
    expect(nextInspectPort(() => 9400)).toBe(9400);
    const first = nextInspectPort(undefined);
    expect(nextInspectPort(undefined)).toBe(first + 1);
  });

  it('rejects a port out of range with ERR_SOCKET_BAD_PORT', () => {
    expect(() => nextInspectPort(70000)).toThrow(expect.objectContaining({ code: 'ERR_SOCKET_BAD_PORT' }));
    expect(() => nextInspectPort(() => -1)).toThrow(expect.objectContaining({ code: 'ERR_SOCKET_BAD_PORT' }));
  });
});
