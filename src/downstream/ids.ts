/**
 * Identifier checks, applied before any downstream URL is built.
 *
 * Why: an id is the one piece of client input that ends up inside a
 * downstream path. Checking it against the contract's pattern (and encoding it
 * anyway) means `../admin` or `p-1?x=y` can never reach a downstream route:
 * a bad id is rejected at the edge, or simply matches nothing.
 */
import { PRODUCT_ID_PATTERN, USER_ID_PATTERN } from './types';

export function isProductId(id: string): boolean {
  return PRODUCT_ID_PATTERN.test(id);
}

export function isUserId(id: string): boolean {
  return USER_ID_PATTERN.test(id);
}

/** A path segment for an id already checked against its pattern; encoded all the same. */
export function segment(id: string): string {
  return encodeURIComponent(id);
}

/** Batch size the contract allows for every `ids`/`skus`/`productIds` list. */
export const MAX_BATCH = 100;

/** Joins a batch for a query parameter; callers chunk at MAX_BATCH. */
export function idList(ids: readonly string[]): string {
  if (ids.length > MAX_BATCH) throw new RangeError(`A batch holds at most ${MAX_BATCH} ids; received ${ids.length}.`);
  return ids.join(',');
}
