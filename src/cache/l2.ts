/**
 * L2, the tier every gateway instance shares, as the entity cache needs it.
 *
 * Why an interface: the cache's rules (freshness, stale-while-revalidate,
 * stale-if-error, guarded writes, fleet-wide refresh locks, invalidation
 * fan-out) are tested against it without a network, while `RedisTier` is the
 * implementation a gateway runs with. Every method is one round trip on a
 * single Redis; on a Redis Cluster, one per node holding some of its keys
 * (sent in parallel), which `roundTrips` says so requests report them.
 */
import type { Context } from '@opentelemetry/api';
import type { CacheAddress } from './keys';

/**
 * Every round trip's last argument: with tracing on, the context its span
 * (telemetry/redisSpans.ts) starts under (a request's execution, or the
 * request itself); undefined with tracing off, or for work of no request.
 */
export type SpanParent = Context | undefined;

export interface L2Write {
  address: CacheAddress;
  /** The entry's JSON text. */
  value: string;
  ttlMs: number;
  /** When the fetch that produced it started: a write older than the entity's last eviction is refused. */
  fetchedAt: number;
}

/** The owners invalidated by one eviction, as `family:owner` keys. */
export type InvalidationListener = (ownerKeys: string[]) => void;

export interface L2Store {
  /** Connected and usable now; when false, callers skip L2 instead of waiting. */
  readonly ready: boolean;
  /** Round trips that a `read` or `write` of these addresses makes: 1, or on a cluster one per node holding some of them. */
  roundTrips(addresses: readonly CacheAddress[]): number;
  /** Entry texts (or null) for each address. A failed command rejects: the caller counts it and falls back. */
  read(addresses: readonly CacheAddress[], parent?: SpanParent): Promise<(string | null)[]>;
  /** Stores entries, each refused if its entity was invalidated after its `fetchedAt`. */
  write(writes: readonly L2Write[], parent?: SpanParent): Promise<void>;
  /** Deletes the owners' entries, marks them invalidated at `now`, and tells every instance. */
  evict(owners: readonly CacheAddress[], now: number, parent?: SpanParent): Promise<void>;
  /** Tries to take a refresh lock per address; true where this instance got it. */
  lock(addresses: readonly CacheAddress[], ttlMs: number, parent?: SpanParent): Promise<boolean[]>;
  /** Releases refresh locks taken with `lock`. */
  unlock(addresses: readonly CacheAddress[], parent?: SpanParent): Promise<void>;
  /** Evictions made by any instance (this one included). */
  onInvalidate(listener: InvalidationListener): void;
  /** The invalidation feed dropped: from then on, evictions may be missed. */
  onDisconnect(listener: () => void): void;
  /** The invalidation feed is back after a disconnection. */
  onReconnect(listener: () => void): void;
  close(): Promise<void>;
}
