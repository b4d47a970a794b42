// ready(), handle() and request() outside a cluster worker (the test process): argument checks, and
// harmless no-ops so an app can call them unconditionally.
import { handle, ready, request } from '@shoal/worker';
import { describe, expect, it } from 'vitest';

describe('application API outside a cluster worker', () => {
  it('rejects method names reserved for Shoal with ERR_INVALID_ARG_VALUE', async () => {
    expect(() => handle('shoal.drain', () => 0)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringMatching(/shoal\./) }),
    );
    await expect(request('shoal.ping')).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    expect(() => handle(42 as unknown as string, () => 0)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => handle('app.x', 'nope' as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
  });

  it('ready() returns false, handle() registers nothing, request() rejects: there is no primary', async () => {
    expect(ready()).toBe(false);
    const remove = handle('app.echo', (params) => params);
    expect(typeof remove).toBe('function');
    remove();
    await expect(request('app.echo', 1)).rejects.toMatchObject({ code: 'SHOAL_ERR_CHANNEL_CLOSED' });
  });
});
