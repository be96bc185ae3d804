/**
 * Plugin hooks that return their value itself when they have it at once.
 *
 * Why: Apollo Server types every hook as returning a promise, but awaits
 * whatever a hook returns, so a plain value behaves the same behind Apollo;
 * and the fast lane (fastLane/requestLifecycle.ts) goes on at once, without
 * a `Promise.all` or a turn of the microtask queue, when every hook of a
 * phase returned a value. An async function always returns a promise: on a
 * response-cache hit the gateway's plugins made a dozen of them, and three
 * `Promise.all`s, for work that never waits.
 *
 * Apollo's semantics to keep: a hook that refuses the operation returns a
 * rejected promise (`refuse`) rather than throwing, and one that could fail
 * catches and refuses, because Apollo calls every listener's hook of a phase
 * before awaiting them together: a synchronous throw would stop the later
 * ones (the rate limiter's charge among them), and leave an earlier hook's
 * rejection unawaited.
 */
import type { BaseContext, GraphQLRequestListener } from '@apollo/server';
import type { PromiseOrValue } from '../../resolvers/promiseOrValue';

type Hooks<T extends BaseContext> = Required<GraphQLRequestListener<T>>;

/** Apollo's request listener, each hook free to return its value rather than a promise of it. */
export type RequestListener<T extends BaseContext> = {
  [K in keyof Hooks<T>]?: (...args: Parameters<Hooks<T>[K]>) => PromiseOrValue<Awaited<ReturnType<Hooks<T>[K]>>>;
};

/** `listener` as the value of Apollo's `requestDidStart` (which Apollo awaits, and the fast lane need not). */
export function listening<T extends BaseContext>(listener: RequestListener<T>): Promise<GraphQLRequestListener<T>> {
  return listener as unknown as Promise<GraphQLRequestListener<T>>;
}

/** A hook's refusal, as an async hook's throw would be. */
export function refuse(error: unknown): Promise<never> {
  return Promise.reject(error);
}
