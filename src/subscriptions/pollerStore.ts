/**
 * What the fleet's stock poller shares between instances: which products
 * are watched anywhere, who polls, and the levels last seen.
 *
 * - `watch`: each instance adds the products its subscriptions watch, each
 *   until an expiry (renewed every interval), so a product nobody watches
 *   any more drops out by itself, even when its instance died.
 * - `acquire` / `release`: one instance at a time holds the poller's lock,
 *   for a time it renews on every run; a holder that dies loses it when the
 *   time runs out, and another instance takes over.
 * - `lastLevels` / `saveLevels`: the levels the poller last saw, so that a
 *   new holder goes on publishing only changes, instead of starting blind.
 *
 * `RedisPollerStore` (redisPollerStore.ts) shares them through Redis;
 * `InProcessPollerStore` below keeps them for a single instance.
 */
import type { WatchedProduct } from '../domain/live';

export interface PollerStore {
  /** Adds or renews these products in the fleet's watched set until `untilMs` (epoch ms). */
  watch(products: readonly WatchedProduct[], untilMs: number): Promise<void>;
  /** The products watched anywhere at `nowMs` (expired ones are forgotten). */
  watched(nowMs: number): Promise<WatchedProduct[]>;
  /** Takes the lock, or renews it when `owner` holds it, for `ttlMs`. True while `owner` holds it. */
  acquire(owner: string, ttlMs: number): Promise<boolean>;
  /** Gives the lock up if `owner` holds it. */
  release(owner: string): Promise<void>;
  /** The last levels seen (`levelKey` form), by SKU. */
  lastLevels(skus: readonly string[]): Promise<Map<string, string>>;
  /** Records levels seen, kept for `ttlMs`. */
  saveLevels(levels: ReadonlyMap<string, string>, ttlMs: number): Promise<void>;
  close(): Promise<void>;
}

/** One instance's poller state, in memory. */
export class InProcessPollerStore implements PollerStore {
  private readonly products = new Map<string, { product: WatchedProduct; until: number }>();
  private readonly levels = new Map<string, string>();
  private holder: { owner: string; until: number } | null = null;

  constructor(private readonly now: () => number) {}

  async watch(products: readonly WatchedProduct[], untilMs: number): Promise<void> {
    for (const product of products) {
      const known = this.products.get(product.productId);
      this.products.set(product.productId, { product, until: Math.max(untilMs, known?.until ?? 0) });
    }
  }

  async watched(nowMs: number): Promise<WatchedProduct[]> {
    for (const [id, entry] of this.products) if (entry.until <= nowMs) this.products.delete(id);
    return [...this.products.values()].map((entry) => entry.product);
  }

  async acquire(owner: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    if (this.holder && this.holder.owner !== owner && this.holder.until > now) return false;
    this.holder = { owner, until: now + ttlMs };
    return true;
  }

  async release(owner: string): Promise<void> {
    if (this.holder?.owner === owner) this.holder = null;
  }

  async lastLevels(skus: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const sku of skus) {
      const level = this.levels.get(sku);
      if (level !== undefined) found.set(sku, level);
    }
    return found;
  }

  async saveLevels(levels: ReadonlyMap<string, string>): Promise<void> {
    for (const [sku, level] of levels) this.levels.set(sku, level);
  }

  async close(): Promise<void> {
    this.products.clear();
  }
}
