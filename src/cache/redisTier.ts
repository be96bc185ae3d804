/**
 * L2: the entries every gateway instance shares, in Redis (one server or a
 * Redis Cluster: README "Redis Cluster").
 *
 * Redis is a cache here, never a reason to fail. Commands are bounded by
 * `commandTimeoutMs`; while a connection is down nothing is queued and
 * callers skip L2 at once (`ready` is false; on a cluster, while any master
 * of the slot map is unreachable), so no request waits on a dead Redis.
 * ioredis reconnects by itself (redis/connection.ts); when the invalidation
 * feed is back, this instance drops the L1 entries that invalidations may
 * have changed while it could not hear them.
 *
 * A frozen Redis keeps its connection, so every command path (and `ping`)
 * goes through a breaker (redisBreaker.ts): after repeated timeouts `ready`
 * is false for a cooldown, as if the connection were down. Why an open
 * breaker also suspends trust in the invalidation feed (the disconnect and
 * reconnect events): a frozen server delivers no pub/sub either, while its
 * subscriber connection still looks open, so evictions made meanwhile by
 * other instances would go unheard without the subscriber ever closing.
 *
 * Every operation a request needs is one pipeline per node holding its keys
 * (one in all on a single Redis; on a cluster, sent in parallel, and
 * counted by `roundTrips`), each through the breaker as one round trip:
 * - `read`: GET/HGET for every address asked for in the same tick;
 * - `write`: a guarded SET/HSET per entry (a Lua script that refuses a value
 *   fetched before the entity's last invalidation, so a slow read can never
 *   re-cache data a write has just replaced; the entry and its marker share
 *   a hash tag, so one slot);
 * - `evict`: DEL + an invalidation marker per entity, then PUBLISH (SPUBLISH
 *   on a cluster) so every instance drops them from its L1. On a cluster
 *   whose nodes for these keys and the channel differ, the message goes once
 *   the deletions have landed: an instance hearing it must not read the old
 *   entries back from L2;
 * - `lock`: SET NX PX, so one instance of the fleet refreshes a stale key.
 */
import { Cluster, type ChainableCommander } from 'ioredis';
import { pipelineAnswered, RedisBreaker, type RedisBreakerOptions, type RedisBreakerState } from './redisBreaker';
import { localKey, markerKey, redisKey, type CacheAddress } from './keys';
import type { InvalidationListener, L2Store, L2Write, SpanParent } from './l2';
import { byNode, createClient, isReady, onReady, type RedisClient, type RedisTarget } from '../redis/connection';
import { createFeed, publish, type ChannelFeed } from '../redis/channelFeed';
import { tracedPipeline, type PipelineUse } from '../telemetry/redisSpans';
import type { Tracing } from '../telemetry/tracing';

export interface RedisTierOptions {
  /** REDIS_URL and REDIS_CLUSTER. */
  target: RedisTarget;
  /** Key and channel prefix, e.g. `bff:`; tests use their own. */
  prefix: string;
  /** Longest a command may take before it counts as failed. Default 50 ms. */
  commandTimeoutMs: number;
  /** The gateway's tracing: a span per pipeline (telemetry/redisSpans.ts); null or absent when off. */
  tracing?: Tracing | null;
  /** When Redis is skipped after repeated timeouts, and the clock of its cooldown (redisBreaker.ts). */
  breaker: RedisBreakerOptions;
}

const GUARDED_SET = `
local marker = redis.call('GET', KEYS[2])
if marker and tonumber(marker) + tonumber(ARGV[5]) >= tonumber(ARGV[3]) then return 0 end
if ARGV[4] == '' then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
else
  redis.call('HSET', KEYS[1], ARGV[4], ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 1`;

/** How long an invalidation marker guards its key against late writes. */
const MARKER_TTL_MS = 60_000;
const CLOCK_SKEW_MS = 1000;

function lockKey(prefix: string, a: CacheAddress): string {
  return `${redisKey(prefix, a.family, a.owner)}:lock${a.field === undefined ? '' : `:${a.field}`}`;
}

type Pipeline = ChainableCommander;
type GuardedPipeline = Pipeline & {
  bffGuardedSet(key: string, marker: string, value: string, ttlMs: number, fetchedAt: number, field: string, skewMs: number): unknown;
};
type Results = [Error | null, unknown][];

export class RedisTier implements L2Store {
  readonly prefix: string;
  /** Shared with the rate limiter's client to the same Redis (gateway.ts). */
  readonly breaker: RedisBreaker;
  private readonly client: RedisClient;
  private readonly feed: ChannelFeed;
  private readonly channel: string;
  private listeners: InvalidationListener[] = [];
  private reconnectListeners: (() => void)[] = [];
  private disconnectListeners: (() => void)[] = [];
  private readonly tracing: Tracing | null;

  constructor(options: RedisTierOptions) {
    this.prefix = options.prefix;
    this.tracing = options.tracing ?? null;
    this.breaker = new RedisBreaker(options.breaker);
    this.channel = `${options.prefix}invalidate`;
    this.client = createClient(options.target, { commandTimeoutMs: options.commandTimeoutMs });
    this.client.defineCommand('bffGuardedSet', { numberOfKeys: 2, lua: GUARDED_SET });
    this.client.on('error', () => undefined); // failures are handled per call and shown by /readyz
    onReady(this.client, () => this.breaker.answered()); // a new connection answered its ready check
    this.feed = createFeed(options.target, this.client);
    this.feed.onMessage((channel, message) => {
      if (channel !== this.channel) return;
      let owners: unknown;
      try {
        owners = JSON.parse(message);
      } catch {
        return;
      }
      if (Array.isArray(owners)) for (const listener of this.listeners) listener(owners.filter((o) => typeof o === 'string'));
    });
    // While the breaker is open the feed is still not to be trusted: its closing says when.
    this.feed.onRestored(() => {
      if (!this.breaker.open) for (const listener of this.reconnectListeners) listener();
    });
    this.breaker.onChange((open) => {
      if (open) for (const listener of this.disconnectListeners) listener();
      else if (this.feed.everUp && this.feed.up) for (const listener of this.reconnectListeners) listener();
    });
    this.feed.onLost(() => {
      for (const listener of this.disconnectListeners) listener();
    });
    // Before the first connection, the feed subscribes once it can.
    void this.feed.subscribe(this.channel).catch(() => undefined);
  }

  /**
   * Connected and usable now; when false, callers skip L2 instead of waiting.
   * Not before the invalidation channel is subscribed: an instance using L2
   * hears every eviction made from then on.
   */
  get ready(): boolean {
    return isReady(this.client) && this.breaker.allows && this.feed.isSubscribed(this.channel);
  }

  /** Redis is being skipped after repeated timeouts (open or half-open): the `gateway_redis_breaker_open` gauge. */
  get breakerOpen(): boolean {
    return this.breaker.open;
  }

  /** The breaker's phase, since when, and its consecutive failures, for /readyz and metrics. */
  breakerState(): RedisBreakerState {
    return this.breaker.state();
  }

  onInvalidate(listener: InvalidationListener): void {
    this.listeners.push(listener);
  }

  /** Called when the subscription drops, or the breaker opens: from then on, invalidations may be missed. */
  onDisconnect(listener: () => void): void {
    this.disconnectListeners.push(listener);
  }

  /** Called when the subscription is back and the breaker closed, after either failed (invalidations may have been missed). */
  onReconnect(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  /** Pipelines that reading or writing these addresses takes: 1 on a single Redis, one per node holding some of them on a cluster. */
  roundTrips(addresses: readonly CacheAddress[]): number {
    return byNode(this.client, addresses.map((a) => redisKey(this.prefix, a.family, a.owner))).length;
  }

  /** Values (or null) for each address, in one round trip per node. */
  read(addresses: readonly CacheAddress[], parent?: SpanParent): Promise<(string | null)[]> {
    return this.traced('read', addresses.length, parent, () => this.readPipeline(addresses));
  }

  private async readPipeline(addresses: readonly CacheAddress[]): Promise<(string | null)[]> {
    const keys = addresses.map((a) => redisKey(this.prefix, a.family, a.owner));
    const results = await this.execByNode(keys, (pipeline, i) => {
      const field = (addresses[i] as CacheAddress).field;
      if (field === undefined) pipeline.get(keys[i] as string);
      else pipeline.hget(keys[i] as string, field);
    });
    // A failed command (a timeout) is not a miss to hide: the caller counts it and falls back.
    throwFailed(results);
    return results.map(([, value]) => (typeof value === 'string' ? value : null));
  }

  /** Stores entries, each refused if its entity was invalidated after `fetchedAt`. */
  write(writes: readonly L2Write[], parent?: SpanParent): Promise<void> {
    return this.traced('write', writes.length, parent, () => this.writePipeline(writes));
  }

  private async writePipeline(writes: readonly L2Write[]): Promise<void> {
    const keys = writes.map((w) => redisKey(this.prefix, w.address.family, w.address.owner));
    const results = await this.execByNode(keys, (pipeline, i) => {
      const w = writes[i] as L2Write;
      (pipeline as GuardedPipeline).bffGuardedSet(
        keys[i] as string,
        markerKey(this.prefix, w.address.family, w.address.owner),
        w.value,
        Math.max(1, Math.round(w.ttlMs)),
        w.fetchedAt,
        w.address.field ?? '',
        CLOCK_SKEW_MS,
      );
    });
    throwFailed(results);
  }

  /** Deletes the owners' entries everywhere and tells every instance. */
  evict(owners: readonly CacheAddress[], now: number, parent?: SpanParent): Promise<void> {
    return this.traced('evict', owners.length * 2 + 1, parent, () => this.evictPipeline(owners, now));
  }

  private async evictPipeline(owners: readonly CacheAddress[], now: number): Promise<void> {
    const message = JSON.stringify(owners.map((o) => localKey({ family: o.family, owner: o.owner })));
    const keys = owners.map((o) => redisKey(this.prefix, o.family, o.owner));
    const evict = (pipeline: Pipeline, i: number) => {
      const o = owners[i] as CacheAddress;
      pipeline.del(keys[i] as string);
      pipeline.set(markerKey(this.prefix, o.family, o.owner), String(now), 'PX', MARKER_TTL_MS);
    };
    const cluster = this.client instanceof Cluster;
    // One Redis, or one node for every key and the channel: the message goes last in the one pipeline.
    if (!cluster || byNode(this.client, [...keys, this.channel]).length === 1) {
      const pipeline = this.client.pipeline();
      keys.forEach((_key, i) => evict(pipeline, i));
      if (cluster) pipeline.spublish(this.channel, message);
      else pipeline.publish(this.channel, message);
      throwFailed(await this.exec(pipeline));
      return;
    }
    // Nodes apart: the deletions first, then the message, once they have landed.
    throwFailed(await this.execByNode(keys, evict));
    await this.breaker.run(() => publish(this.client, this.channel, message));
  }

  /** Tries to take a refresh lock per address; true where this instance got it. */
  lock(addresses: readonly CacheAddress[], ttlMs: number, parent?: SpanParent): Promise<boolean[]> {
    return this.traced('lock', addresses.length, parent, () => this.lockPipeline(addresses, ttlMs));
  }

  private async lockPipeline(addresses: readonly CacheAddress[], ttlMs: number): Promise<boolean[]> {
    const keys = addresses.map((a) => lockKey(this.prefix, a));
    const results = await this.execByNode(keys, (pipeline, i) => pipeline.set(keys[i] as string, '1', 'PX', ttlMs, 'NX'));
    return results.map(([error, value]) => !error && value === 'OK');
  }

  /** Releases refresh locks taken with `lock`. */
  unlock(addresses: readonly CacheAddress[], parent?: SpanParent): Promise<void> {
    return this.traced('unlock', addresses.length, parent, () => this.unlockPipeline(addresses));
  }

  private async unlockPipeline(addresses: readonly CacheAddress[]): Promise<void> {
    const keys = addresses.map((a) => lockKey(this.prefix, a));
    await this.execByNode(keys, (pipeline, i) => pipeline.del(keys[i] as string));
  }

  /** With tracing on, the pipeline in a span of its own under `parent`; with tracing off, just the pipeline. */
  private traced<T>(use: PipelineUse, commands: number, parent: SpanParent, run: () => Promise<T>): Promise<T> {
    return this.tracing ? tracedPipeline(this.tracing, use, commands, parent, run) : run();
  }

  /** A raw pipeline for the key-value stores (APQ, response cache). */
  async getValue(key: string): Promise<string | null> {
    return this.breaker.run(() => this.client.get(`${this.prefix}${key}`));
  }

  async setValue(key: string, value: string, ttlMs: number): Promise<void> {
    await this.breaker.run(() => this.client.set(`${this.prefix}${key}`, value, 'PX', Math.max(1, Math.round(ttlMs))));
  }

  async deleteValue(key: string): Promise<void> {
    await this.breaker.run(() => this.client.del(`${this.prefix}${key}`));
  }

  async ping(): Promise<boolean> {
    if (!this.ready) return false;
    try {
      return (await this.breaker.run(() => this.client.ping())) === 'PONG';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.client.disconnect();
    this.feed.close();
  }

  /** Sends a pipeline through the breaker: one round trip, answered unless a command got no reply. */
  private exec(pipeline: Pipeline): Promise<Results> {
    return this.breaker.run(async () => (await pipeline.exec()) ?? [], pipelineAnswered);
  }

  /**
   * One pipeline per node holding some of `keys` (redis/connection.ts
   * `byNode`; a single one on one Redis), sent in parallel and through the
   * breaker as one round trip. `add` puts key i's commands in its pipeline;
   * the results come back in key order (all of key 0's commands, then key 1's…).
   */
  private execByNode(keys: readonly string[], add: (pipeline: Pipeline, index: number) => void): Promise<Results> {
    const groups = byNode(this.client, keys);
    if (groups.length === 1) {
      const pipeline = this.client.pipeline();
      keys.forEach((_key, i) => add(pipeline, i));
      return this.exec(pipeline);
    }
    const send = async () => {
      const byKey = new Array<Results>(keys.length);
      await Promise.all(
        groups.map(async (group) => {
          const pipeline = this.client.pipeline();
          const sizes = group.map((i) => {
            const before = pipeline.length;
            add(pipeline, i);
            return pipeline.length - before;
          });
          const results: Results = (await pipeline.exec()) ?? [];
          let offset = 0;
          group.forEach((i, j) => {
            byKey[i] = results.slice(offset, offset + (sizes[j] as number));
            offset += sizes[j] as number;
          });
        }),
      );
      return byKey.flat();
    };
    return this.breaker.run(send, pipelineAnswered);
  }
}

function throwFailed(results: Results): void {
  const failed = results.find(([error]) => error);
  if (failed) throw failed[0];
}
