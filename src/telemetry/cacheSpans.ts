/**
 * The span of one loader batch's read-through (cache/cacheSession.ts): the
 * family and the number of keys it asked for, and where they were found
 * (L1, L2, stale, missing). It is the parent of the downstream call that
 * fetched the misses, so a trace shows which batch made each call and why
 * (`readThrough product` with 3 keys, 1 miss → `GET /products`).
 */
import type { Context } from '@opentelemetry/api';
import type { Tracing } from './tracing';

/** Where a batch's keys were found; cacheSession.ts fills it in as it goes. */
export interface BatchTally {
  l1: number;
  l2: number;
  stale: number;
  misses: number;
  /** The error code of a failed downstream fetch (answered from stale copies where it could). */
  error?: string;
}

export function tracedReadThrough<T>(
  tracing: Tracing,
  family: string,
  keys: number,
  parent: Context | undefined,
  read: (tally: BatchTally, context: Context) => Promise<T>,
): Promise<T> {
  const tally: BatchTally = { l1: 0, l2: 0, stale: 0, misses: 0 };
  return tracing.span(
    `readThrough ${family}`,
    { 'bff.cache.family': family, 'bff.cache.keys': keys },
    parent,
    async (span, context) => {
      const result = await read(tally, context);
      span.setAttributes({
        'bff.cache.outcome': tally.misses === 0 ? 'hit' : tally.misses === keys ? 'miss' : 'partial',
        'bff.cache.l1_hits': tally.l1,
        'bff.cache.l2_hits': tally.l2,
        'bff.cache.stale': tally.stale,
        'bff.cache.misses': tally.misses,
        ...(tally.error ? { 'bff.cache.fetch_error': tally.error } : {}),
      });
      return result;
    },
  );
}
