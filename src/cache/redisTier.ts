/**
 * L2: the entries every gateway instance shares, in Redis.
 *
 * Redis is a cache here, never a reason to fail. Commands are bounded by
 * `commandTimeoutMs`; while the connection is down nothing is queued
 * (`enableOfflineQueue: false`) and callers skip L2 at once (`ready` is
 * false), so no request waits on a dead Redis. ioredis reconnects by itself;
 * when it does, this instance drops the L1 entries that invalidations may have
 * changed while it could not hear them.
 *
 * A frozen Redis keeps its connection, so every command path (and `ping`)
 * goes through a breaker (redisBreaker.ts): after repeated timeouts `ready`
 * is false for a cooldown, as if the connection were down. Why an open
 * breaker also suspends trust in the invalidation feed (the disconnect and
 * reconnect events): a frozen server delivers no pub/sub either, while its
 * subscriber connection still looks open, so evictions made meanwhile by
 * other instances would go unheard without the subscriber ever closing.
 *
 * Every operation a request needs is one pipeline, one round trip:
 * - `read`: GET/HGET for every address asked for in the same tick;
 * - `write`: a guarded SET/HSET per entry (a Lua script that refuses a value
 *   fetched before the entity's last invalidation, so a slow read can never
 *   re-cache data a write has just replaced);
 * - `evict`: DEL + an invalidation marker per entity, then PUBLISH so every
 *   instance drops them from its L1;
 * - `lock`: SET NX PX, so one instance of the fleet refreshes a stale key.
 */
import Redis from 'ioredis';
import { pipelineAnswered, RedisBreaker, type RedisBreakerOptions, type RedisBreakerState } from './redisBreaker';
import { localKey, markerKey, redisKey, type CacheAddress } from './keys';
import type { InvalidationListener, L2Store, L2Write } from './l2';
import { tracedPipeline, type PipelineUse } from '../telemetry/redisSpans';
import type { Tracing } from '../telemetry/tracing';

export interface RedisTierOptions {
  url: string;
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

type Pipeline = ReturnType<Redis['pipeline']>;
type GuardedPipeline = Pipeline & {
  bffGuardedSet(key: string, marker: string, value: string, ttlMs: number, fetchedAt: number, field: string, skewMs: number): unknown;
};

export class RedisTier implements L2Store {
  readonly prefix: string;
  /** Shared with the rate limiter's client to the same Redis (gateway.ts). */
  readonly breaker: RedisBreaker;
  private readonly client: Redis;
  private readonly subscriber: Redis;
  private readonly channel: string;
  private listeners: InvalidationListener[] = [];
  private reconnectListeners: (() => void)[] = [];
  private disconnectListeners: (() => void)[] = [];
  private wasReady = false;
  private readonly tracing: Tracing | null;

  constructor(options: RedisTierOptions) {
    this.prefix = options.prefix;
    this.tracing = options.tracing ?? null;
    this.breaker = new RedisBreaker(options.breaker);
    this.channel = `${options.prefix}invalidate`;
    const common = {
      commandTimeout: options.commandTimeoutMs,
      connectTimeout: 1000,
      maxRetriesPerRequest: 0,
      retryStrategy: (attempt: number) => Math.min(50 * attempt, 1000),
    };
    this.client = new Redis(options.url, { ...common, enableOfflineQueue: false });
    this.client.defineCommand('bffGuardedSet', { numberOfKeys: 2, lua: GUARDED_SET });
    // The subscriber may queue its SUBSCRIBE until the first connection; ioredis re-subscribes on reconnect.
    this.subscriber = new Redis(options.url, { ...common, enableOfflineQueue: true, commandTimeout: undefined });
    this.client.on('error', () => undefined); // failures are handled per call and shown by /readyz
    this.client.on('ready', () => this.breaker.answered()); // a new connection answered its ready check
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      let owners: unknown;
      try {
        owners = JSON.parse(message);
      } catch {
        return;
      }
      if (Array.isArray(owners)) for (const listener of this.listeners) listener(owners.filter((o) => typeof o === 'string'));
    });
    this.subscriber.on('ready', () => {
      // While the breaker is open the feed is still not to be trusted: its closing says when.
      if (this.wasReady && !this.breaker.open) for (const listener of this.reconnectListeners) listener();
      this.wasReady = true;
    });
    this.breaker.onChange((open) => {
      if (open) for (const listener of this.disconnectListeners) listener();
      else if (this.wasReady && this.subscriber.status === 'ready') for (const listener of this.reconnectListeners) listener();
    });
    this.subscriber.on('close', () => {
      for (const listener of this.disconnectListeners) listener();
    });
    void this.subscriber.subscribe(this.channel).catch(() => undefined);
  }

  /** Connected and usable now; when false, callers skip L2 instead of waiting. */
  get ready(): boolean {
    return this.client.status === 'ready' && this.breaker.allows;
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

  /** Values (or null) for each address, in one round trip. */
  read(addresses: readonly CacheAddress[]): Promise<(string | null)[]> {
    return this.traced('read', addresses.length, () => this.readPipeline(addresses));
  }

  private async readPipeline(addresses: readonly CacheAddress[]): Promise<(string | null)[]> {
    const pipeline = this.client.pipeline();
    for (const a of addresses) {
      const key = redisKey(this.prefix, a.family, a.owner);
      if (a.field === undefined) pipeline.get(key);
      else pipeline.hget(key, a.field);
    }
    const results = await this.exec(pipeline);
    // A failed command (a timeout) is not a miss to hide: the caller counts it and falls back.
    const failed = results.find(([error]) => error);
    if (failed) throw failed[0];
    return results.map(([, value]) => (typeof value === 'string' ? value : null));
  }

  /** Stores entries, each refused if its entity was invalidated after `fetchedAt`. */
  write(writes: readonly L2Write[]): Promise<void> {
    return this.traced('write', writes.length, () => this.writePipeline(writes));
  }

  private async writePipeline(writes: readonly L2Write[]): Promise<void> {
    const pipeline = this.client.pipeline() as GuardedPipeline;
    for (const w of writes) {
      pipeline.bffGuardedSet(
        redisKey(this.prefix, w.address.family, w.address.owner),
        markerKey(this.prefix, w.address.family, w.address.owner),
        w.value,
        Math.max(1, Math.round(w.ttlMs)),
        w.fetchedAt,
        w.address.field ?? '',
        CLOCK_SKEW_MS,
      );
    }
    const results = await this.exec(pipeline);
    const failed = results.find(([error]) => error);
    if (failed) throw failed[0];
  }

  /** Deletes the owners' entries everywhere and tells every instance. */
  evict(owners: readonly CacheAddress[], now: number): Promise<void> {
    return this.traced('evict', owners.length * 2 + 1, () => this.evictPipeline(owners, now));
  }

  private async evictPipeline(owners: readonly CacheAddress[], now: number): Promise<void> {
    const pipeline = this.client.pipeline();
    for (const o of owners) {
      pipeline.del(redisKey(this.prefix, o.family, o.owner));
      pipeline.set(markerKey(this.prefix, o.family, o.owner), String(now), 'PX', MARKER_TTL_MS);
    }
    pipeline.publish(this.channel, JSON.stringify(owners.map((o) => localKey({ family: o.family, owner: o.owner }))));
    const results = await this.exec(pipeline);
    const failed = results.find(([error]) => error);
    if (failed) throw failed[0];
  }

  /** Tries to take a refresh lock per address; true where this instance got it. */
  lock(addresses: readonly CacheAddress[], ttlMs: number): Promise<boolean[]> {
    return this.traced('lock', addresses.length, () => this.lockPipeline(addresses, ttlMs));
  }

  private async lockPipeline(addresses: readonly CacheAddress[], ttlMs: number): Promise<boolean[]> {
    const pipeline = this.client.pipeline();
    for (const a of addresses) pipeline.set(lockKey(this.prefix, a), '1', 'PX', ttlMs, 'NX');
    const results = await this.exec(pipeline);
    return results.map(([error, value]) => !error && value === 'OK');
  }

  /** Releases refresh locks taken with `lock`. */
  unlock(addresses: readonly CacheAddress[]): Promise<void> {
    return this.traced('unlock', addresses.length, () => this.unlockPipeline(addresses));
  }

  private async unlockPipeline(addresses: readonly CacheAddress[]): Promise<void> {
    const pipeline = this.client.pipeline();
    for (const a of addresses) pipeline.del(lockKey(this.prefix, a));
    await this.exec(pipeline);
  }

  /** With tracing on, the pipeline in a span of its own; with tracing off, just the pipeline. */
  private traced<T>(use: PipelineUse, commands: number, run: () => Promise<T>): Promise<T> {
    return this.tracing ? tracedPipeline(this.tracing, use, commands, run) : run();
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
    this.subscriber.disconnect();
  }

  /** Sends a pipeline through the breaker: one round trip, answered unless a command got no reply. */
  private exec(pipeline: Pipeline): Promise<[Error | null, unknown][]> {
    return this.breaker.run(async () => (await pipeline.exec()) ?? [], pipelineAnswered);
  }
}
