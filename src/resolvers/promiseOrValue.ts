/**
 * Values that may or may not be promises, and composing them without making
 * one where none is needed.
 *
 * Why: graphql-js resolves a field synchronously when its resolver returns a
 * plain value, and pays for a promise, a microtask and an object-completion
 * promise when it returns a promise. On a warm request almost every value is
 * already in this process's cache, so resolvers that stay synchronous when
 * their inputs are make most of the difference between a warm request and a
 * cold one.
 */
export type PromiseOrValue<T> = T | Promise<T>;

/** `f(value)` now if `value` is ready, after it resolves otherwise. */
export function then<T, R>(value: PromiseOrValue<T>, f: (value: T) => PromiseOrValue<R>): PromiseOrValue<R> {
  return value instanceof Promise ? value.then(f) : f(value);
}

/** Both values, now if both are ready. */
export function both<A, B, R>(a: PromiseOrValue<A>, b: PromiseOrValue<B>, f: (a: A, b: B) => PromiseOrValue<R>): PromiseOrValue<R> {
  if (!(a instanceof Promise) && !(b instanceof Promise)) return f(a, b);
  return Promise.all([a, b]).then(([x, y]) => f(x, y));
}
