/**
 * A two-tier string store for what Apollo keeps by key: automatic persisted
 * queries (hash → query text).
 *
 * It implements Apollo's `KeyValueCache`, so Apollo's own APQ support uses it
 * as is. Reads try this process first, then Redis (a query registered through
 * one instance works on every instance); writes go to both. A Redis failure is
 * a miss, never an error.
 */
import type { KeyValueCache, KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import { LRUCache } from 'lru-cache';
import type { RedisTier } from './redisTier';

export class TieredKeyValueStore implements KeyValueCache<string> {
  private readonly local: LRUCache<string, string>;

  constructor(
    private readonly namespace: string,
    private readonly redis: RedisTier | null,
    maxBytes: number,
  ) {
    this.local = new LRUCache<string, string>({ maxSize: maxBytes, sizeCalculation: (value, key) => value.length + key.length });
  }

  async get(key: string): Promise<string | undefined> {
    const local = this.local.get(key);
    if (local !== undefined) return local;
    if (!this.redis?.ready) return undefined;
    try {
      const remote = await this.redis.getValue(`${this.namespace}${key}`);
      if (remote === null) return undefined;
      const ttlMs = 60_000; // held locally at most a minute; Redis keeps the authoritative TTL
      this.local.set(key, remote, { ttl: ttlMs });
      return remote;
    } catch {
      return undefined;
    }
  }

  async set(key: string, value: string, options?: KeyValueCacheSetOptions): Promise<void> {
    const ttlMs = options?.ttl ? options.ttl * 1000 : undefined;
    this.local.set(key, value, ttlMs ? { ttl: ttlMs } : {});
    if (!this.redis?.ready) return;
    try {
      await this.redis.setValue(`${this.namespace}${key}`, value, ttlMs ?? 24 * 3600 * 1000);
    } catch {
      // cached locally; other instances will register it themselves
    }
  }

  async delete(key: string): Promise<void> {
    this.local.delete(key);
    if (!this.redis?.ready) return;
    try {
      await this.redis.deleteValue(`${this.namespace}${key}`);
    } catch {
      // expires by its TTL
    }
  }

  clear(): void {
    this.local.clear();
  }
}
