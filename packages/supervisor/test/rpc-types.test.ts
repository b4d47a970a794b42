// Type-level: `supervise<WorkerApi, PrimaryApi>()` types `request`, `broadcast` and `handle` from the two API
// maps, parameters and results. Checked by `npx tsc -p tsconfig.tests.json`; nothing here forks a worker.
import type { Worker } from '@shoal/primary';
import { describe, expectTypeOf, it } from 'vitest';
import type { BroadcastResult, Supervisor, supervise } from '../src/index.js';

/** What the workers answer. */
type WorkerApi = {
  'app.echo': (params: { text: string }) => { text: string; at: number };
  'app.count': (params: undefined) => Promise<number>;
};
/** What the primary answers. */
type PrimaryApi = {
  'primary.add': (params: { a: number; b: number }) => number;
  'primary.config': (params: { key: string }) => Promise<string | undefined>;
};

type Typed = ReturnType<typeof supervise<WorkerApi, PrimaryApi>>;

/** Never called: only compiled. */
function usage(supervisor: Typed): void {
  expectTypeOf(supervisor).toEqualTypeOf<Supervisor<WorkerApi, PrimaryApi>>();

  expectTypeOf(supervisor.request(0, 'app.echo', { text: 'hi' })).resolves.toEqualTypeOf<{
    text: string;
    at: number;
  }>();
  // A handler's promise is unwrapped.
  expectTypeOf(supervisor.request(0, 'app.count')).resolves.toEqualTypeOf<number>();
  expectTypeOf(supervisor.request<'app.echo'>)
    .parameter(2)
    .toEqualTypeOf<{ text: string } | undefined>();
  // @ts-expect-error a method the workers do not have
  void supervisor.request(0, 'app.none', {});
  // @ts-expect-error parameters of the wrong shape
  void supervisor.request(0, 'app.echo', { txt: 'hi' });
  // @ts-expect-error a primary method is not a worker method
  void supervisor.request(0, 'primary.add', { a: 1, b: 2 });

  expectTypeOf(supervisor.broadcast('app.echo', { text: 'all' })).resolves.toEqualTypeOf<
    BroadcastResult<{ text: string; at: number }>[]
  >();
  void supervisor.broadcast('app.count').then((results) => {
    for (const result of results) {
      if (result.ok) expectTypeOf(result.value).toEqualTypeOf<number>();
      else expectTypeOf(result.error).toEqualTypeOf<Error>();
    }
  });
  // @ts-expect-error parameters of the wrong shape
  void supervisor.broadcast('app.echo', { text: 1 });

  supervisor.handle('primary.add', (params, context) => {
    expectTypeOf(params).toEqualTypeOf<{ a: number; b: number }>();
    expectTypeOf(context).toEqualTypeOf<{ index: number; worker: Worker }>();
    return params.a + params.b;
  });
  // Async handlers: the promise of the declared result, or the result itself.
  supervisor.handle('primary.config', async ({ key }) => (key === 'x' ? 'y' : undefined));
  supervisor.handle('primary.config', () => 'plain');
  // @ts-expect-error the result must be the declared one
  supervisor.handle('primary.add', () => 'not a number');
  // @ts-expect-error a method the primary does not declare
  supervisor.handle('primary.none', () => 1);
  // @ts-expect-error parameters are the declared ones
  supervisor.handle('primary.add', (params: { a: string }) => Number(params.a));

  // Without API maps everything stays open (unknown results, any parameters).
  const untyped = null as unknown as Supervisor;
  expectTypeOf(untyped.request(0, 'anything', { x: 1 })).resolves.toEqualTypeOf<unknown>();
}

describe('RPC types', () => {
  it('flow from the API maps to request, broadcast and handle (checked by tsc)', () => {
    expectTypeOf(usage).toBeFunction();
  });
});
