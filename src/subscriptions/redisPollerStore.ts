/**
 * The poller's shared state in Redis (pollerStore.ts says what each part is
 * for). Three keys, all in one hash slot (`{live}`), so a Redis Cluster
 * serves each command, transaction and script from one node (the master of
 * that slot):
 *
 * - `<prefix>live:{live}:watched`: a sorted set, member `["p-0001","SKU-000001"]`,
 *   score the time (epoch ms) until which some instance watches it; ZADD GT
 *   keeps the latest of the instances' expiries, and reads drop what expired.
 * - `<prefix>live:{live}:poller`: the lock, `SET NX PX` with the holder's id;
 *   renewal and release are scripts that act only for the holder.
 * - `<prefix>live:{live}:levels`: a hash SKU → last level seen, with a TTL.
 */
import { createClient, type RedisClient, type RedisTarget } from '../redis/connection';
import type { WatchedProduct } from '../domain/live';
import type { PollerStore } from './pollerStore';

export interface RedisPollerStoreOptions {
  /** REDIS_URL and REDIS_CLUSTER. */
  target: RedisTarget;
  /** Key prefix (CACHE_PREFIX): the instances of one fleet share it. */
  prefix: string;
  /** Longest a command may take before it counts as failed. */
  commandTimeoutMs: number;
}

// Renew if ours, else take it if free. Returns 1 while `owner` holds it.
const ACQUIRE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

type Scripted = RedisClient & {
  bffPollerAcquire(key: string, owner: string, ttlMs: number): Promise<number>;
  bffPollerRelease(key: string, owner: string): Promise<number>;
};

export class RedisPollerStore implements PollerStore {
  private readonly client: Scripted;
  private readonly keys: { watched: string; lock: string; levels: string };

  constructor(options: RedisPollerStoreOptions) {
    this.client = createClient(options.target, { commandTimeoutMs: options.commandTimeoutMs }) as Scripted;
    this.client.on('error', () => undefined);
    this.client.defineCommand('bffPollerAcquire', { numberOfKeys: 1, lua: ACQUIRE });
    this.client.defineCommand('bffPollerRelease', { numberOfKeys: 1, lua: RELEASE });
    const base = `${options.prefix}live:{live}:`;
    this.keys = { watched: `${base}watched`, lock: `${base}poller`, levels: `${base}levels` };
  }

  async watch(products: readonly WatchedProduct[], untilMs: number): Promise<void> {
    if (products.length === 0) return;
    const args = products.flatMap((p) => [untilMs, JSON.stringify([p.productId, p.sku])]);
    await this.client.zadd(this.keys.watched, 'GT', ...args);
  }

  async watched(nowMs: number): Promise<WatchedProduct[]> {
    const [, members] = (await this.client
      .multi()
      .zremrangebyscore(this.keys.watched, '-inf', nowMs)
      .zrange(this.keys.watched, 0, -1)
      .exec()) as [unknown, [Error | null, string[]]];
    if (members[0]) throw members[0];
    const products: WatchedProduct[] = [];
    for (const member of members[1]) {
      try {
        const [productId, sku] = JSON.parse(member) as unknown[];
        if (typeof productId === 'string' && typeof sku === 'string') products.push({ productId, sku });
      } catch {
        // not ours: ignored
      }
    }
    return products;
  }

  async acquire(owner: string, ttlMs: number): Promise<boolean> {
    return (await this.client.bffPollerAcquire(this.keys.lock, owner, Math.max(1, Math.round(ttlMs)))) === 1;
  }

  async release(owner: string): Promise<void> {
    await this.client.bffPollerRelease(this.keys.lock, owner);
  }

  async lastLevels(skus: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    if (skus.length === 0) return found;
    const values = await this.client.hmget(this.keys.levels, ...skus);
    values.forEach((value, i) => {
      if (value !== null) found.set(skus[i] as string, value);
    });
    return found;
  }

  async saveLevels(levels: ReadonlyMap<string, string>, ttlMs: number): Promise<void> {
    if (levels.size === 0) return;
    await this.client.multi().hset(this.keys.levels, Object.fromEntries(levels)).pexpire(this.keys.levels, Math.max(1, Math.round(ttlMs))).exec();
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }
}
