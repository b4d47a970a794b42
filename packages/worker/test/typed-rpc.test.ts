// typedRpc(): the worker's handle/request carry the API maps' parameter and result types (checked by tsc), and
// outside a cluster worker they behave as the untyped exports do.
import { typedRpc } from '@shoal/worker';
import { describe, expect, expectTypeOf, it } from 'vitest';

interface WorkerApi {
  echo(params: { text: string }): string;
}
interface PrimaryApi {
  add(params: { a: number; b: number }): number;
  lookup(params: { id: string }): Promise<{ name: string } | null>;
}

describe('typedRpc', () => {
  it('types handlers and requests from the API maps', async () => {
    const rpc = typedRpc<WorkerApi, PrimaryApi>();
    const remove = rpc.handle('echo', (params) => {
      expectTypeOf(params).toEqualTypeOf<{ text: string }>();
      return params.text;
    });
    expect(typeof remove).toBe('function');
    // @ts-expect-error the handler must return the method's result type
    rpc.handle('echo', () => 42);
    // @ts-expect-error not a method of the worker's API
    rpc.handle('add', () => 1);
    const sum = rpc.request('add', { a: 1, b: 2 });
    expectTypeOf(sum).toEqualTypeOf<Promise<number>>();
    // Not a cluster worker here: there is no primary to ask.
    await expect(sum).rejects.toMatchObject({ code: 'SHOAL_ERR_CHANNEL_CLOSED' });
    const lookup = rpc.request('lookup', { id: 'x' });
    expectTypeOf(lookup).toEqualTypeOf<Promise<{ name: string } | null>>();
    await expect(lookup).rejects.toMatchObject({ code: 'SHOAL_ERR_CHANNEL_CLOSED' });
    // @ts-expect-error wrong parameter shape
    void rpc.request('add', { a: 1 }).catch(() => {});
  });
});
