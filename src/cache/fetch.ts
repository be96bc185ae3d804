/**
 * How the cache asks for what it does not have: a `Fetch` is given the
 * addresses still missing and returns what the service knows of them.
 *
 * A leaf file: the domain's loaders write fetches, the request's cache session
 * and the entity cache's background refreshes call them, and neither side
 * needs the other to know the type.
 */
import type { CallTrace } from '../downstream/call';
import type { CacheAddress } from './keys';

/** What a fetch of missing entities returns: found values by local key, and the service's max-age. */
export interface FetchResult<V> {
  /** Values by local key (see keys.ts); an address absent here is unknown to the service (a negative entry). */
  values: Map<string, V | null>;
  maxAgeSeconds: number | null;
}

/** `signal` aborts when nobody wants these entities any more (domain/interest.ts); a background refresh has none. */
export type Fetch<V> = (missing: CacheAddress[], trace: CallTrace, signal?: AbortSignal) => Promise<FetchResult<V>>;
