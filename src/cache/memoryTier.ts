/**
 * L1: the entries this process holds, bounded in bytes.
 *
 * Values are kept parsed, so a warm hit costs a Map lookup and no JSON work.
 * Each entry is weighed by its in-memory size, estimated once when it is
 * stored as three times its JSON length (measured on this gateway's payloads:
 * parsed objects, their strings and V8's bookkeeping), so `maxBytes` bounds
 * the heap the cache really takes. Expiry is checked here against the entry's own deadline rather than
 * with the LRU's TTL machinery, which costs a clock read and bookkeeping on
 * every hit. Entries of hashed families (pages of a product's reviews, of a
 * user's orders) are indexed by owner, so evicting "every review page of
 * p-0001" is one index lookup, not a scan.
 */
import { LRUCache } from 'lru-cache';
import type { Entry } from './entry';

/** Heap bytes a parsed entry takes per byte of its JSON (see above). */
const HEAP_PER_JSON_BYTE = 3;

export class MemoryTier {
  private readonly lru: LRUCache<string, { entry: Entry; owner: string | undefined; expiresAt: number }>;
  private readonly byOwner = new Map<string, Set<string>>();

  constructor(maxBytes: number) {
    this.lru = new LRUCache({
      maxSize: maxBytes,
      sizeCalculation: () => 1, // replaced per entry by the `size` passed to set()
      dispose: (value, key) => {
        if (value.owner === undefined) return;
        const keys = this.byOwner.get(value.owner);
        keys?.delete(key);
        if (keys?.size === 0) this.byOwner.delete(value.owner);
      },
    });
  }

  get(key: string, now: number): Entry | undefined {
    const held = this.lru.get(key);
    if (held === undefined) return undefined;
    if (held.expiresAt <= now) {
      this.lru.delete(key);
      return undefined;
    }
    return held.entry;
  }

  /** `owner` groups the keys of one hashed owner (e.g. `reviews:p-0001`); kept until `expiresAt` (ms since epoch). */
  set(key: string, entry: Entry, bytes: number, expiresAt: number, owner?: string): void {
    this.lru.set(key, { entry, owner, expiresAt }, { size: Math.max(1, bytes * HEAP_PER_JSON_BYTE) });
    if (owner !== undefined) {
      let keys = this.byOwner.get(owner);
      if (!keys) this.byOwner.set(owner, (keys = new Set()));
      keys.add(key);
    }
  }

  delete(key: string): void {
    this.lru.delete(key);
  }

  /** Deletes every key stored with this owner. */
  deleteOwner(owner: string): void {
    const keys = this.byOwner.get(owner);
    if (!keys) return;
    for (const key of [...keys]) this.lru.delete(key);
    this.byOwner.delete(owner);
  }

  clear(): void {
    this.lru.clear();
    this.byOwner.clear();
  }

  get bytes(): number {
    return this.lru.calculatedSize;
  }
}
