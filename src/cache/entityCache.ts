/**
 * The entity cache of a gateway: L1 in this process, L2 in Redis (when
 * configured), shared by every request. Requests use it through a
 * `CacheSession` (cacheSession.ts), which batches their Redis work.
 *
 * This file holds what outlives a request: the tiers, the invalidation log,
 * eviction (this instance's L1 at once, then Redis and every other instance
 * over pub/sub), and background refreshes (stale-while-revalidate) with a
 * fleet-wide lock per key, so a hot stale key is refreshed once, not once per
 * request or per instance.
 */
import type { CallTrace } from '../downstream/serviceHttp';
import type { Logger } from '../logging/logger';
import { CacheSession } from './cacheSession';
import { retentionMs, type Entry } from './entry';
import { InvalidationLog } from './invalidationLog';
import { MemoryTier } from './memoryTier';
import { localKey, POLICIES, type CacheAddress, type Family } from './policies';
import type { RedisTier } from './redisTier';

/** What a fetch of missing entities returns: found values by local key, and the service's max-age. */
export interface FetchResult<V> {
  values: Map<string, V | null>;
  maxAgeSeconds: number | null;
}

export type Fetch<V> = (missing: CacheAddress[], trace: CallTrace) => Promise<FetchResult<V>>;

export interface EntityCacheOptions {
  /** Bytes of serialised entries L1 may hold. */
  l1MaxBytes: number;
  /** L2, or null for the in-memory default (one instance). */
  redis: RedisTier | null;
  logger: Logger;
  /** The clock (ms since epoch); tests pass one they can move. Default Date.now. */
  now?: () => number;
  /** False: every read goes to the services (to measure the uncached path). Default true. */
  enabled?: boolean;
}

/** How long a refresh lock is held at most (a refresh that dies frees its keys by then). */
const REFRESH_LOCK_MS = 10_000;

export class EntityCache {
  readonly l1: MemoryTier;
  readonly redis: RedisTier | null;
  readonly log: InvalidationLog;
  readonly now: () => number;
  readonly enabled: boolean;
  private readonly logger: Logger;
  private readonly refreshing = new Set<string>();

  constructor(options: EntityCacheOptions) {
    this.l1 = new MemoryTier(options.l1MaxBytes);
    this.redis = options.redis;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.enabled = options.enabled ?? true;
    this.log = new InvalidationLog(200_000, 1000, this.now());
    this.redis?.onInvalidate((owners) => this.dropLocal(owners, this.now()));
    // Invalidations sent while we cannot hear them are lost: stop trusting stored responses
    // until we can again, and then forget what they may have changed.
    this.redis?.onDisconnect(() => this.log.suspend());
    this.redis?.onReconnect(() => {
      this.l1.clear();
      this.log.resume(this.now());
    });
  }

  session(trace: CallTrace): CacheSession {
    return new CacheSession(this, trace);
  }

  /**
   * Evicts entities (whole owners: every page of a hashed family). This
   * instance's L1 forgets them before this returns; Redis and the other
   * instances follow through the same round trip. Never throws: with Redis
   * down the write has happened, and L2 entries expire by their TTL.
   */
  async evict(owners: readonly CacheAddress[]): Promise<void> {
    if (owners.length === 0) return;
    const now = this.now();
    this.dropLocal(owners.map((o) => localKey({ family: o.family, owner: o.owner })), now);
    if (!this.redis?.ready) return;
    try {
      await this.redis.evict(owners, now);
    } catch (error) {
      this.logger.warn({ err: error }, 'cache eviction did not reach Redis; other instances keep their copies until they expire');
    }
  }

  private dropLocal(ownerKeys: readonly string[], at: number): void {
    for (const key of ownerKeys) {
      this.log.record(key, at);
      this.l1.delete(key);
      this.l1.deleteOwner(key);
    }
  }

  /** Stores a fetched entry in L1, unless its entity was evicted after the fetch began. Returns its L2 write. */
  store(address: CacheAddress, entry: Entry): { text: string; ttlMs: number } | null {
    const policy = POLICIES[address.family];
    const ownerKey = localKey({ family: address.family, owner: address.owner });
    if (this.log.knownInvalidatedSince(ownerKey, entry.s)) return null;
    const expiresAt = entry.f + retentionMs(policy);
    const ttlMs = expiresAt - this.now();
    if (ttlMs <= 0) return null;
    const text = JSON.stringify(entry);
    this.l1.set(localKey(address), entry, text.length, expiresAt, policy.hashed ? ownerKey : undefined);
    return { text, ttlMs };
  }

  /**
   * Refreshes stale entries in the background: at most one refresh per key in
   * this process, and (with Redis) one per key in the whole fleet.
   */
  refresh<V>(family: Family, addresses: readonly CacheAddress[], fetch: Fetch<V>, freshMs: (maxAge: number | null) => number): void {
    const mine = addresses.filter((a) => !this.refreshing.has(localKey(a)));
    if (mine.length === 0) return;
    for (const a of mine) this.refreshing.add(localKey(a));
    void (async () => {
      let locked: CacheAddress[] = mine;
      let lockedInRedis = false;
      try {
        if (this.redis?.ready) {
          const got = await this.redis.lock(mine, REFRESH_LOCK_MS);
          locked = mine.filter((_a, i) => got[i]);
          lockedInRedis = true;
        }
        if (locked.length === 0) return;
        const fetchedAt = this.now();
        const result = await fetch(locked, { downstreamCalls: 0 });
        const fresh = freshMs(result.maxAgeSeconds);
        const writes = [];
        for (const address of locked) {
          const value = result.values.get(localKey(address)) ?? null;
          const ttl = value === null ? Math.min(fresh, POLICIES[family].negativeTtl * 1000) : fresh;
          if (ttl <= 0) continue;
          const stored = this.store(address, { v: value, s: fetchedAt, f: fetchedAt + ttl });
          if (stored) writes.push({ address, value: stored.text, ttlMs: stored.ttlMs, fetchedAt });
        }
        if (writes.length > 0 && this.redis?.ready) await this.redis.write(writes);
      } catch {
        // The stale copy keeps answering; the next request past freshness tries again.
      } finally {
        for (const a of mine) this.refreshing.delete(localKey(a));
        // Done (or failed): the next stale reader may try again at once.
        if (lockedInRedis && locked.length > 0 && this.redis?.ready) await this.redis.unlock(locked).catch(() => undefined);
      }
    })();
  }

  async close(): Promise<void> {
    await this.redis?.close();
  }
}
