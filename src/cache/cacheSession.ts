/**
 * One request's use of the entity cache.
 *
 * Why a session: the request's loaders send their batches together (see
 * domain/batchScheduler.ts), and each batch looks up the cache. Looked up one
 * by one, four batches of a dependency level would be four Redis round trips.
 * The session gathers the L2 lookups of a dependency level into one pipeline,
 * and buffers every L2 write until the response is sent, then issues them as
 * one pipeline that the response does not wait for. So a request costs at most
 * one Redis read per dependency level and one write in all; on a Redis
 * Cluster, each of those is one pipeline per node holding some of its keys,
 * sent in parallel, and counted as such (`redisReads`, `redisWrites`).
 *
 * When the held lookups go is not the session's decision: it hands their
 * dispatch to the request's `ReadScheduler` (the batch scheduler, which knows
 * when a level is complete), exactly as a DataLoader hands it its batches,
 * and it tells the scheduler which downstream fetches are still out.
 *
 * `readThrough` is the whole read path for one batch:
 *   L1 (fresh?) → L2 for the rest, in the level's one pipeline (fresh?) →
 *   stale within the SWR window: answer now, refresh in the background →
 *   downstream for what is left, in one batch call → store in L1, buffer for L2.
 * If that downstream call fails, entries within the stale-if-error window
 * answer instead, and the session records it for the response's extensions.
 *
 * With diagnostics on (`causes`), the batch's call is told which earlier call
 * it waited for (diagnostics/callLog.ts): the one the scheduler gave the
 * batch, or, after a Redis round trip, the last answer before it.
 */
import type { Context } from '@opentelemetry/api';
import type { CallCauses } from '../diagnostics/callLog';
import { underSpan, type CallTrace } from '../downstream/call';
import { tracedReadThrough, type BatchTally } from '../telemetry/cacheSpans';
import type { Tracing } from '../telemetry/tracing';
import { DownstreamError } from '../errors/catalogue';
import { isFresh, parseEntry, withinSie, withinSwr, type Entry } from './entry';
import { POLICIES, type Family } from './entityPolicies';
import type { Fetch, FetchResult } from './fetch';
import { localKey, type CacheAddress } from './keys';
import type { L2Store, L2Write, SpanParent } from './l2';

/** What a session needs of the entity cache (entityCache.ts implements it). */
export interface SessionCache {
  readonly enabled: boolean;
  readonly l2: Pick<L2Store, 'ready' | 'read' | 'roundTrips'> | null;
  now(): number;
  local(key: string, now: number): Entry | undefined;
  promote(address: CacheAddress, entry: Entry): void;
  storeFetched<V>(family: Family, addresses: readonly CacheAddress[], result: FetchResult<V>, fetchedAt: number): L2Write[];
  write(writes: readonly L2Write[], parent?: SpanParent): Promise<boolean>;
  refresh<V>(family: Family, addresses: readonly CacheAddress[], fetch: Fetch<V>, parent?: SpanParent): void;
}

/** Decides when a request's held L2 reads go (domain/batchScheduler.ts implements it). */
export interface ReadScheduler {
  /** Queues the dispatch of the held reads, as DataLoader's `batchScheduleFn` queues a batch. */
  scheduleRead(dispatch: () => void): void;
  /** Runs a downstream fetch, known to be in flight until it settles: held reads wait for it. */
  fetching<T>(fetch: () => Promise<T>): Promise<T>;
}

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

/** One family's lookups in one request, by tier (for metrics). */
export interface FamilyLookups {
  l1: number;
  l2: number;
  miss: number;
  stale: number;
  staleIfError: number;
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
  /** Whether this request's entities are recorded (only a response that may be cached needs them). */
  trackDependencies = true;
  /** This request's lookups by family and tier. */
  readonly lookups = new Map<Family, FamilyLookups>();
  /**
   * With tracing on, the context this request's batch spans start under: the
   * execution's span once it has started (graphql/plugins/tracingPlugin.ts),
   * else the request's (the record's `spanParent`, set by
   * http/tracedEndpoint.ts). Undefined with tracing off.
   */
  spanParent: Context | undefined;
  private pendingReads: PendingRead[] | null = null;
  private pendingWrites: L2Write[] = [];

  constructor(
    private readonly cache: SessionCache,
    private readonly trace: CallTrace,
    private readonly scheduler: ReadScheduler,
    private readonly tracing: Tracing | null = null,
    private readonly causes: CallCauses | null = null,
  ) {
    this.startedAt = cache.now();
    this.spanParent = trace.spanParent;
  }

  /** Whether `peek` can hit at all (the entity cache is on): when not, a caller need not build its keys. */
  get peekable(): boolean {
    return this.cache.enabled;
  }

  /**
   * The synchronous warm path: a fresh L1 entry's value at once, or MISS. A
   * hit needs no promise, no loader and no batch window, which is most of
   * what a warm request costs. `ownerKey` is the entity's key for
   * dependencies (the local key itself, except for pages of hashed families).
   */
  peek(family: Family, key: string, ownerKey: string): unknown {
    if (!this.cache.enabled) return MISS;
    const now = this.cache.now();
    const entry = this.cache.local(key, now);
    if (entry === undefined || !isFresh(entry, now)) return MISS;
    this.stats.l1Hits++;
    this.lookupsOf(family).l1++;
    if (this.trackDependencies) this.dependencies.add(ownerKey);
    return entry.v;
  }

  /**
   * One loader batch: with tracing on, in a span of its own
   * (telemetry/cacheSpans.ts) that its downstream call goes under. `signal`
   * aborts its downstream call once nobody wants its entities (domain/interest.ts).
   */
  readThrough<V>(family: Family, addresses: readonly CacheAddress[], fetch: Fetch<V>, signal?: AbortSignal): Promise<(V | null | Error)[]> {
    if (!this.tracing) return this.lookup(family, addresses, fetch, signal);
    return tracedReadThrough(this.tracing, family, addresses.length, this.spanParent, (tally, batch) => this.lookup(family, addresses, fetch, signal, tally, batch));
  }

  private async lookup<V>(
    family: Family,
    addresses: readonly CacheAddress[],
    fetch: Fetch<V>,
    signal?: AbortSignal,
    tally?: BatchTally,
    batch?: Context,
  ): Promise<(V | null | Error)[]> {
    const lookups = this.lookupsOf(family);
    // With tracing on, the batch's calls go under its span: the request's trace, with the batch as their parent.
    const trace = batch ? underSpan(this.trace, batch) : this.trace;
    // With diagnostics: what this batch waited for, while the scheduler's dispatch is still on the stack.
    let cause = this.causes?.current() ?? null;
    if (!this.cache.enabled) {
      lookups.miss += addresses.length;
      if (tally) tally.misses = addresses.length;
      return this.fetchOnly(addresses, fetch, trace, signal);
    }
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
      const entry = this.cache.local(keys[i] as string, now);
      if (entry && isFresh(entry, now)) {
        out[i] = entry.v as V | null;
        this.stats.l1Hits++;
        lookups.l1++;
      } else {
        if (entry) staleCopies.set(i, entry);
        toL2.push(i);
      }
    }
    if (tally) tally.l1 = addresses.length - toL2.length;
    if (toL2.length === 0) return out;

    // L2: one pipeline for every lookup of this dependency level.
    const viaRedis = this.cache.l2?.ready === true;
    const l2 = await this.readL2(toL2.map((i) => addresses[i] as CacheAddress));
    // The pipeline went once no fetch was out: the last answer before it is what this batch waited for.
    if (this.causes && viaRedis) cause = this.causes.lastAnswered();
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
        lookups.l2++;
        if (best === remote) this.cache.promote(addresses[i] as CacheAddress, remote);
        return;
      }
      if (best && withinSwr(best, policy, now)) {
        out[i] = best.v as V | null;
        this.stats.stale++;
        lookups.stale++;
        toRefresh.push(addresses[i] as CacheAddress);
        return;
      }
      if (best && withinSie(best, policy, now)) staleCopies.set(i, best);
      else staleCopies.delete(i);
      toFetch.push(i);
    });
    if (tally) Object.assign(tally, { l2: toL2.length - toRefresh.length - toFetch.length, stale: toRefresh.length, misses: toFetch.length });
    if (toRefresh.length > 0) this.cache.refresh(family, toRefresh, fetch, batch);
    if (toFetch.length === 0) return out;

    // Downstream: one batch call for everything still missing.
    this.stats.misses += toFetch.length;
    lookups.miss += toFetch.length;
    const missing = toFetch.map((i) => addresses[i] as CacheAddress);
    const fetchedAt = this.cache.now();
    let result: FetchResult<V>;
    try {
      const { causes } = this;
      const go = () => fetch(missing, trace, signal);
      result = await this.scheduler.fetching(causes ? () => causes.within(cause, go) : go);
    } catch (error) {
      if (!(error instanceof DownstreamError)) throw error;
      if (tally) tally.error = String(error.extensions.code);
      for (const i of toFetch) out[i] = this.staleIfErrorOr(error, keys[i] as string, staleCopies.get(i)) as V | null | Error;
      lookups.staleIfError += toFetch.filter((i) => staleCopies.has(i)).length;
      return out;
    }
    for (const i of toFetch) out[i] = result.values.get(keys[i] as string) ?? null;
    for (const write of this.cache.storeFetched(family, missing, result, fetchedAt)) this.pendingWrites.push(write);
    return out;
  }

  /** Sends the buffered L2 writes as one pipeline; the response does not wait for it. */
  flush(): void {
    const writes = this.pendingWrites;
    this.pendingWrites = [];
    const l2 = this.cache.l2;
    if (writes.length === 0 || !l2?.ready) return;
    this.stats.redisWrites += l2.roundTrips(writes.map((w) => w.address));
    // After the response, for the request as a whole: its span is the parent, not the execution's.
    void this.cache.write(writes, this.trace.spanParent).then((ok) => {
      if (!ok) this.stats.redisErrors++;
    });
  }

  private lookupsOf(family: Family): FamilyLookups {
    let lookups = this.lookups.get(family);
    if (!lookups) this.lookups.set(family, (lookups = { l1: 0, l2: 0, miss: 0, stale: 0, staleIfError: 0 }));
    return lookups;
  }

  /** A stale copy's value, reported in the response, or the error when there is none. */
  private staleIfErrorOr(error: DownstreamError, key: string, stale: Entry | undefined): unknown {
    if (!stale) return error;
    this.staleIfError.push({
      entity: key,
      ageSeconds: Math.round((this.cache.now() - stale.s) / 1000),
      code: String(error.extensions.code),
      service: error.service,
    });
    return stale.v;
  }

  /** The read path with the cache turned off: straight to the service. */
  private async fetchOnly<V>(addresses: readonly CacheAddress[], fetch: Fetch<V>, trace: CallTrace, signal?: AbortSignal): Promise<(V | null | Error)[]> {
    this.stats.misses += addresses.length;
    const { values } = await fetch([...addresses], trace, signal);
    return addresses.map((a) => values.get(localKey(a)) ?? null);
  }

  private readL2(addresses: readonly CacheAddress[]): Promise<(Entry | null)[]> {
    if (!this.cache.l2?.ready) return Promise.resolve(addresses.map(() => null));
    return new Promise((resolve) => {
      if (!this.pendingReads) {
        this.pendingReads = [];
        this.scheduler.scheduleRead(this.sendReads);
      }
      this.pendingReads.push({ addresses, resolve });
    });
  }

  private readonly sendReads = (): void => {
    const reads = this.pendingReads;
    const l2 = this.cache.l2;
    if (!reads || !l2) return;
    this.pendingReads = null;
    const addresses = reads.flatMap((r) => r.addresses);
    // One pipeline for the level on one Redis; on a cluster, one per node its keys live on.
    this.stats.redisReads += l2.roundTrips(addresses);
    const deliver = (values: (string | null)[] | null) => {
      let offset = 0;
      for (const read of reads) {
        const slice = values ? values.slice(offset, offset + read.addresses.length) : [];
        offset += read.addresses.length;
        read.resolve(read.addresses.map((_a, k) => parseEntry(slice[k] ?? null)));
      }
    };
    // One read for the batches of a level: its span goes under the execution, not the batch that happened to send it.
    l2.read(addresses, this.spanParent).then(deliver, () => {
      this.stats.redisErrors++;
      deliver(null);
    });
  };
}
