// The shape of an RPC API as both sides type it: method name → (params) => result. One definition, so a
// primary's `supervise<WorkerApi, PrimaryApi>()` and a worker's `typedRpc<WorkerApi, PrimaryApi>()` agree.
// An API is any object type whose methods take one parameter (an interface works as well as a type alias).

// biome-ignore lint/suspicious/noExplicitAny: the parameter types are the user's; any is the neutral bound here
export type RpcMethods = Record<string, (params: any) => unknown>;

/** The parameters of `method` in `Api`. */
export type RpcParams<Api, M extends keyof Api> = Api[M] extends (params: infer P) => unknown ? P : never;

/** What a call of `method` in `Api` resolves to. */
// biome-ignore lint/suspicious/noExplicitAny: see above
export type RpcResult<Api, M extends keyof Api> = Api[M] extends (...args: any[]) => infer R
  ? Awaited<R>
  : never;
