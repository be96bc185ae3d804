/**
 * The parts of a downstream URL built from client input.
 *
 * Ids are checked against the contract's patterns (contract/ids.ts) before
 * they get here, and encoded all the same: `../admin` or `p-1?x=y` can never
 * reach a downstream route.
 */
import { MAX_BATCH } from '../contract/ids';

/** A path segment for an id already checked against its pattern; encoded all the same. */
export function segment(id: string): string {
  return encodeURIComponent(id);
}

/** Joins a batch for a query parameter; callers chunk at MAX_BATCH. */
export function idList(ids: readonly string[]): string {
  if (ids.length > MAX_BATCH) throw new RangeError(`A batch holds at most ${MAX_BATCH} ids; received ${ids.length}.`);
  return ids.join(',');
}
