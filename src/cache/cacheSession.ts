/**
 * One request's use of the entity cache.
 *
 * Why a session: the request's loaders send their batches together (see
 * domain/batchScheduler.ts), and each batch looks up the cache. Looked up one
 * by one, four batches of a dependency level would be four Redis round trips.
 * The session gathers every L2 lookup made in the same tick into one pipeline,
 * and buffers every L2 write until the response is sent, then issues them as
 * one pipeline that the response does not wait for. So a request costs at most
 * one Redis read per dependency level and one write in all.
 *
 * `readThrough` is the whole read path for one batch:
 *   L1 (fresh?) → L2 for the rest, in the tick's one pipeline (fresh?) →
 *   stale within the SWR window: answer now, refresh in the background →
 *   downstream for what is left, in one batch call → store in L1, buffer for L2.
 * If that downstream call fails, entries within the stale-if-error window
 * answer instead, and the session records it for the response's extensions.
 */
import { DownstreamError } from '../errors/catalogue';
import type { CallTrace } from '../downstream/serviceHttp';
import { isFresh, parseEntry, withinSie, withinSwr, type Entry } from './entry';
import type { EntityCache, Fetch } from './entityCache';
import { localKey, POLICIES, type CacheAddress, type Family } from './policies';
import type { L2Write } from './redisTier';

export interface CacheStats {
  l1Hits: number;
  l2Hits: number;
  misses: number;
  /** Served stale within the SWR window (a refresh was started). */
  stale: number;
  redisReads: number;
  redisWrites: number;
  redisErrors: number;
}

/** A stale value served because its service failed (stale-if-error). */
export interface StaleNotice {
  entity: string;
  ageSeconds: number;
  code: string;
  service: string;
}

interface PendingRead {
  addresses: readonly CacheAddress[];
  resolve: (entries: (Entry | null)[]) => void;
}

/** What `peek` answers when L1 has no fresh entry. */
export const MISS: unique symbol = Symbol('miss');

export class CacheSession {
  readonly stats: CacheStats = { l1Hits: 0, l2Hits: 0, misses: 0, stale: 0, redisReads: 0, redisWrites: 0, redisErrors: 0 };
  /** Every entity this request read, as owner keys: what a cached response of it depends on. */
  readonly dependencies = new Set<string>();
  readonly staleIfError: StaleNotice[] = [];
  readonly startedAt: number;
  private pendingReads: PendingRead[] | null = null;
  private pendingWrites: L2Write[] = [];
  private fetchesInFlight = 0;
  /** Set by the request's batch scheduler: asks it for a flush, after which held reads are sent. */
  private wake: (() => void) | null = null;

  constructor(
    private readonly cache: EntityCache,
    private readonly trace: CallTrace,
  ) {
    this.startedAt = cache.now();
  }

  /**
   * The synchronous warm path: a fresh L1 entry's value at once, or MISS. A
   * hit needs no promise, no loader and no batch window, which is most of
   * what a warm request costs. `ownerKey` is the entity's key for
   * dependencies (the local key itself, except for pages of hashed families).
   */
  peek(key: string, ownerKey: string): unknown {
    if (!this.cache.enabled) return MISS;
    const entry = this.cache.l1.get(key, this.cache.now());
    if (entry === undefined || this.cache.now() >= entry.f) return MISS;
    this.stats.l1Hits++;
    if (this.trackDependencies) this.dependencies.add(ownerKey);
    return entry.v;
  }

  /** Lets the request's batch scheduler decide when held Redis reads go (see the comment at the top). */
  attachScheduler(wake: () => void): void {
    this.wake = wake;
  }

  /** Called at the end of each scheduler flush: sends the held reads unless downstream calls are still out. */
  sendHeldReads(): void {
    if (this.pendingReads && this.fetchesInFlight === 0) this.sendReads();
  }

  /** Whether this request's entities are recorded (only a response that may be cached needs them). */
  trackDependencies = true;

  async readThrough<V>(family: Family, addresses: readonly CacheAddress[], fetch: Fetch<V>): Promise<(V | null | Error)[]> {
    if (!this.cache.enabled) return this.fetchOnly(addresses, fetch);
    const policy = POLICIES[family];
    const out = new Array<V | null | Error>(addresses.length);
    const keys = addresses.map(localKey);
    const staleCopies = new Map<number, Entry>();
    let now = this.cache.now();

    // L1: fresh entries answer at once.
    const toL2: number[] = [];
    for (let i = 0; i < addresses.length; i++) {
      const address = addresses[i] as CacheAddress;
      if (this.trackDependencies) this.dependencies.add(address.field === undefined ? (keys[i] as string) : localKey({ family, owner: address.owner }));
      const entry = this.cache.l1.get(keys[i] as string, now);
      if (entry && isFresh(entry, now)) {
        out[i] = entry.v as V | null;
        this.stats.l1Hits++;
      } else {
        if (entry) staleCopies.set(i, entry);
        toL2.push(i);
      }
    }
    if (toL2.length === 0) return out;

    // L2: one pipeline for every lookup of this tick.
    const l2 = await this.readL2(toL2.map((i) => addresses[i] as CacheAddress));
    now = this.cache.now();
    const toFetch: number[] = [];
    const toRefresh: CacheAddress[] = [];
    toL2.forEach((i, j) => {
      const remote = l2[j] ?? null;
      const local = staleCopies.get(i);
      const best = remote && (!local || remote.s > local.s) ? remote : local;
      if (best && isFresh(best, now)) {
        out[i] = best.v as V | null;
        this.stats.l2Hits++;
        if (best === remote) this.cache.store(addresses[i] as CacheAddress, remote);
        return;
      }
      if (best && withinSwr(best, policy, now)) {
        out[i] = best.v as V | null;
        this.stats.stale++;
        toRefresh.push(addresses[i] as CacheAddress);
        return;
      }
      if (best && withinSie(best, policy, now)) staleCopies.set(i, best);
      else staleCopies.delete(i);
      toFetch.push(i);
    });
    const freshMs = (maxAge: number | null) => Math.min(policy.ttl, maxAge ?? policy.ttl) * 1000;
    if (toRefresh.length > 0) this.cache.refresh(family, toRefresh, fetch, freshMs);
    if (toFetch.length === 0) return out;

    // Downstream: one batch call for everything still missing.
    this.stats.misses += toFetch.length;
    const fetchedAt = this.cache.now();
    let result;
    this.fetchesInFlight++;
    try {
      result = await fetch(toFetch.map((i) => addresses[i] as CacheAddress), this.trace);
    } catch (error) {
      if (!(error instanceof DownstreamError)) throw error;
      for (const i of toFetch) {
        const stale = staleCopies.get(i);
        if (!stale) {
          out[i] = error;
          continue;
        }
        out[i] = stale.v as V | null;
        this.staleIfError.push({
          entity: keys[i] as string,
          ageSeconds: Math.round((this.cache.now() - stale.s) / 1000),
          code: String(error.extensions.code),
          service: error.service,
        });
      }
      return out;
    } finally {
      if (--this.fetchesInFlight === 0 && this.pendingReads) this.wake?.();
    }

    const fresh = freshMs(result.maxAgeSeconds);
    for (const i of toFetch) {
      const address = addresses[i] as CacheAddress;
      const value = result.values.get(keys[i] as string) ?? null;
      out[i] = value;
      const ttl = value === null ? Math.min(fresh, policy.negativeTtl * 1000) : fresh;
      if (ttl <= 0) continue;
      const stored = this.cache.store(address, { v: value, s: fetchedAt, f: fetchedAt + ttl });
      if (stored && this.cache.redis) this.pendingWrites.push({ address, value: stored.text, ttlMs: stored.ttlMs, fetchedAt });
    }
    return out;
  }

  /** The read path with the cache turned off: straight to the service. */
  private async fetchOnly<V>(addresses: readonly CacheAddress[], fetch: Fetch<V>): Promise<(V | null | Error)[]> {
    this.stats.misses += addresses.length;
    const { values } = await fetch([...addresses], this.trace);
    return addresses.map((a) => values.get(localKey(a)) ?? null);
  }

  /** Sends the buffered L2 writes as one pipeline; the response does not wait for it. */
  flush(): void {
    const writes = this.pendingWrites;
    this.pendingWrites = [];
    const redis = this.cache.redis;
    if (writes.length === 0 || !redis?.ready) return;
    this.stats.redisWrites++;
    redis.write(writes).catch(() => {
      this.stats.redisErrors++;
    });
  }

  private readL2(addresses: readonly CacheAddress[]): Promise<(Entry | null)[]> {
    const redis = this.cache.redis;
    if (!redis?.ready) return Promise.resolve(addresses.map(() => null));
    return new Promise((resolve) => {
      if (!this.pendingReads) {
        this.pendingReads = [];
        // Without a scheduler (a session used on its own), a tick's lookups go together.
        if (!this.wake) queueMicrotask(() => this.sendReads());
      }
      this.pendingReads.push({ addresses, resolve });
    });
  }

  private sendReads(): void {
    const reads = this.pendingReads;
    if (!reads) return;
    this.pendingReads = null;
    const all = reads.flatMap((r) => r.addresses);
    this.stats.redisReads++;
    const deliver = (values: (string | null)[] | null) => {
      let offset = 0;
      for (const read of reads) {
        const slice = values ? values.slice(offset, offset + read.addresses.length) : [];
        offset += read.addresses.length;
        read.resolve(read.addresses.map((_a, k) => parseEntry(slice[k] ?? null)));
      }
    };
    (this.cache.redis as NonNullable<typeof this.cache.redis>).read(all).then(deliver, () => {
      this.stats.redisErrors++;
      deliver(null);
    });
  }
}
