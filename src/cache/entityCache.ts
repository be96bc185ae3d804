/**
 * The entity cache of a gateway: L1 in this process, L2 shared by the fleet
 * (Redis, when configured), used by every request. Requests use it through a
 * `CacheSession` (cacheSession.ts), which batches their L2 work.
 *
 * This file holds what outlives a request: the tiers, the invalidation log,
 * storing what was fetched (one path for a request's read-through and for a
 * background refresh), eviction (this instance's L1 at once, then L2 and
 * every other instance), background refreshes (stale-while-revalidate) with
 * a fleet-wide lock per key, so a hot stale key is refreshed once, not once
 * per request or per instance, and the L2 writes still under way, which
 * `drain()` waits for before the process stops.
 */
import type { Logger } from '../logging/logger';
import { isFresh, parseEntry, retentionMs, type Entry } from './entry';
import { POLICIES, type Family } from './entityPolicies';
import type { Fetch, FetchResult } from './fetch';
import { InvalidationLog } from './invalidationLog';
import { localKey, type CacheAddress } from './keys';
import type { L2Store, L2Write, SpanParent } from './l2';
import { MemoryTier } from './memoryTier';

export interface EntityCacheOptions {
  /** Bytes of serialised entries L1 may hold. */
  l1MaxBytes: number;
  /** L2, or null for the in-memory default (one instance). */
  l2: L2Store | null;
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
  readonly l2: L2Store | null;
  readonly log: InvalidationLog;
  readonly now: () => number;
  readonly enabled: boolean;
  private readonly logger: Logger;
  private readonly refreshing = new Set<string>();
  private readonly writing = new Set<Promise<unknown>>();

  constructor(options: EntityCacheOptions) {
    this.l1 = new MemoryTier(options.l1MaxBytes);
    this.l2 = options.l2;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.enabled = options.enabled ?? true;
    this.log = new InvalidationLog(200_000, 1000, this.now());
    this.l2?.onInvalidate((owners) => this.dropLocal(owners, this.now()));
    // Invalidations sent while we cannot hear them are lost: stop trusting stored responses
    // until we can again, and then forget what they may have changed.
    this.l2?.onDisconnect(() => this.log.suspend());
    this.l2?.onReconnect(() => {
      this.l1.clear();
      this.log.resume(this.now());
    });
  }

  /** This process's entry for a key, fresh or not (expired entries are gone). */
  local(key: string, now: number): Entry | undefined {
    return this.l1.get(key, now);
  }

  /** Keeps an entry read from L2 in L1 too. */
  promote(address: CacheAddress, entry: Entry): void {
    this.store(address, entry);
  }

  /**
   * Stores what one fetch returned, for every address it was asked for (an
   * address it did not find becomes a negative entry), fresh for the shorter
   * of the family's TTL and the service's max-age. Returns the L2 writes to
   * make; the caller decides when they go.
   */
  storeFetched<V>(family: Family, addresses: readonly CacheAddress[], result: FetchResult<V>, fetchedAt: number): L2Write[] {
    const policy = POLICIES[family];
    const fresh = Math.min(policy.ttl, result.maxAgeSeconds ?? policy.ttl) * 1000;
    const writes: L2Write[] = [];
    for (const address of addresses) {
      const value = result.values.get(localKey(address)) ?? null;
      const ttl = value === null ? Math.min(fresh, policy.negativeTtl * 1000) : fresh;
      if (ttl <= 0) continue;
      const stored = this.store(address, { v: value, s: fetchedAt, f: fetchedAt + ttl });
      if (stored && this.l2) writes.push({ address, value: stored.text, ttlMs: stored.ttlMs, fetchedAt });
    }
    return writes;
  }

  /** Sends L2 writes; resolves false when they failed (the entries stay in L1). `drain()` waits for them. */
  write(writes: readonly L2Write[], parent?: SpanParent): Promise<boolean> {
    if (writes.length === 0 || !this.l2?.ready) return Promise.resolve(true);
    const sent = this.l2.write(writes, parent).then(
      () => true,
      () => false,
    );
    this.writing.add(sent);
    void sent.then(() => this.writing.delete(sent));
    return sent;
  }

  /** Resolves once every L2 write and background refresh started so far has finished. */
  async drain(): Promise<void> {
    while (this.writing.size > 0) await Promise.all([...this.writing]);
  }

  /**
   * Evicts entities (whole owners: every page of a hashed family). This
   * instance's L1 forgets them before this returns; L2 and the other
   * instances follow through the same round trip. Never throws: with Redis
   * down the write has happened, and L2 entries expire by their TTL.
   */
  async evict(owners: readonly CacheAddress[], parent?: SpanParent): Promise<void> {
    if (owners.length === 0) return;
    const now = this.now();
    this.dropLocal(owners.map((o) => localKey({ family: o.family, owner: o.owner })), now);
    if (!this.l2?.ready) return;
    try {
      await this.l2.evict(owners, now, parent);
    } catch (error) {
      this.logger.warn({ err: error }, 'cache eviction did not reach Redis; other instances keep their copies until they expire');
    }
  }

  /**
   * Refreshes stale entries in the background: at most one refresh per key in
   * this process, and (with L2) one per key in the whole fleet. A key whose
   * lock this instance gets is read from L2 once more first: another
   * instance may have refreshed it (and released its lock) between this
   * instance's read and its lock, and its entry then answers instead of a
   * second fetch. `parent`: with tracing on, the span of the batch that
   * found them stale, which the refresh's pipelines and calls go under.
   */
  refresh<V>(family: Family, addresses: readonly CacheAddress[], fetch: Fetch<V>, parent?: SpanParent): void {
    const mine = addresses.filter((a) => !this.refreshing.has(localKey(a)));
    if (mine.length === 0) return;
    for (const a of mine) this.refreshing.add(localKey(a));
    const done = (async () => {
      let locked: CacheAddress[] = mine;
      let lockedInL2 = false;
      try {
        let stale = mine;
        if (this.l2?.ready) {
          const got = await this.l2.lock(mine, REFRESH_LOCK_MS, parent);
          locked = mine.filter((_a, i) => got[i]);
          lockedInL2 = true;
          stale = locked.length > 0 ? await this.stillStale(locked, parent) : [];
        }
        if (stale.length === 0) return;
        const fetchedAt = this.now();
        const result = await fetch(stale, { downstreamCalls: 0, background: true, ...(parent ? { spanParent: parent } : {}) });
        await this.write(this.storeFetched(family, stale, result, fetchedAt), parent);
      } catch {
        // The stale copy keeps answering; the next request past freshness tries again.
      } finally {
        for (const a of mine) this.refreshing.delete(localKey(a));
        // Done (or failed): the next stale reader may try again at once.
        if (lockedInL2 && locked.length > 0 && this.l2?.ready) await this.l2.unlock(locked, parent).catch(() => undefined);
      }
    })();
    this.writing.add(done);
    void done.then(() => this.writing.delete(done));
  }

  async close(): Promise<void> {
    await this.l2?.close();
  }

  /** The addresses whose L2 entry is still not fresh; fresh ones (refreshed elsewhere) are kept in L1. */
  private async stillStale(addresses: CacheAddress[], parent: SpanParent): Promise<CacheAddress[]> {
    const texts = await (this.l2 as L2Store).read(addresses, parent).catch(() => addresses.map(() => null));
    const now = this.now();
    return addresses.filter((address, i) => {
      const entry = parseEntry(texts[i] ?? null);
      if (!entry || !isFresh(entry, now)) return true;
      this.store(address, entry);
      return false;
    });
  }

  /** Stores a fetched entry in L1, unless its entity was evicted after the fetch began. Returns its L2 text. */
  private store(address: CacheAddress, entry: Entry): { text: string; ttlMs: number } | null {
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

  private dropLocal(ownerKeys: readonly string[], at: number): void {
    for (const key of ownerKeys) {
      this.log.record(key, at);
      this.l1.delete(key);
      this.l1.deleteOwner(key);
    }
  }
}
