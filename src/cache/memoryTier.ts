/**
 * L1: the entries this process holds, bounded in bytes.
 *
 * Values are kept parsed, so a warm hit costs a Map lookup and no JSON work.
 * Each entry is weighed by its in-memory size, estimated once when it is
 * stored as three times its JSON length (measured on this gateway's payloads:
 * parsed objects, their strings and V8's bookkeeping), so `maxBytes` bounds
 * the heap the cache really takes; the least recently read go first. Expiry
 * is checked against the entry's own deadline. Entries of hashed families
 * (pages of a product's reviews, of a user's orders) are indexed by owner,
 * so evicting "every review page of p-0001" is one index lookup, not a scan.
 *
 * Why its own recency list rather than lru-cache: a warm page reads L1 tens
 * of times, and lru-cache's `get` (an options object per call, its status
 * and metrics-channel checks, its TTL and fetch bookkeeping) was 3–4 % of a
 * warm category page's CPU; what this needs is a Map lookup and four
 * pointer writes.
 */
import type { Entry } from './entry';

/** Heap bytes a parsed entry takes per byte of its JSON (see above). */
const HEAP_PER_JSON_BYTE = 3;

/** One held entry, a link of the recency list (oldest first). */
interface Held {
  readonly key: string;
  readonly entry: Entry;
  readonly owner: string | undefined;
  readonly expiresAt: number;
  readonly size: number;
  older: Held | null;
  newer: Held | null;
}

export class MemoryTier {
  private readonly byKey = new Map<string, Held>();
  private readonly byOwner = new Map<string, Set<string>>();
  private oldest: Held | null = null;
  private newest: Held | null = null;
  private size = 0;

  constructor(private readonly maxBytes: number) {}

  get(key: string, now: number): Entry | undefined {
    const held = this.byKey.get(key);
    if (held === undefined) return undefined;
    if (held.expiresAt <= now) {
      this.remove(held);
      return undefined;
    }
    if (held !== this.newest) {
      this.unlink(held);
      this.append(held);
    }
    return held.entry;
  }

  /**
   * `owner` groups the keys of one hashed owner (e.g. `reviews:p-0001`); kept until `expiresAt` (ms
   * since epoch). An entry weighing more than the whole budget is not kept (and replaces nothing).
   */
  set(key: string, entry: Entry, bytes: number, expiresAt: number, owner?: string): void {
    const size = Math.max(1, bytes * HEAP_PER_JSON_BYTE);
    const existing = this.byKey.get(key);
    if (existing !== undefined) this.remove(existing);
    if (size > this.maxBytes) return;
    const held: Held = { key, entry, owner, expiresAt, size, older: null, newer: null };
    this.append(held);
    this.byKey.set(key, held);
    this.size += size;
    if (owner !== undefined) {
      let keys = this.byOwner.get(owner);
      if (!keys) this.byOwner.set(owner, (keys = new Set()));
      keys.add(key);
    }
    while (this.size > this.maxBytes && this.oldest !== null) this.remove(this.oldest);
  }

  delete(key: string): void {
    const held = this.byKey.get(key);
    if (held !== undefined) this.remove(held);
  }

  /** Deletes every key stored with this owner. */
  deleteOwner(owner: string): void {
    const keys = this.byOwner.get(owner);
    if (!keys) return;
    for (const key of [...keys]) this.delete(key);
    this.byOwner.delete(owner);
  }

  clear(): void {
    this.byKey.clear();
    this.byOwner.clear();
    this.oldest = this.newest = null;
    this.size = 0;
  }

  /** The weight of what is held (the sum of the entries' estimated heap sizes). */
  get bytes(): number {
    return this.size;
  }

  private remove(held: Held): void {
    this.unlink(held);
    this.byKey.delete(held.key);
    this.size -= held.size;
    if (held.owner === undefined) return;
    const keys = this.byOwner.get(held.owner);
    keys?.delete(held.key);
    if (keys?.size === 0) this.byOwner.delete(held.owner);
  }

  private unlink(held: Held): void {
    if (held.older) held.older.newer = held.newer;
    else this.oldest = held.newer;
    if (held.newer) held.newer.older = held.older;
    else this.newest = held.older;
    held.older = held.newer = null;
  }

  private append(held: Held): void {
    held.older = this.newest;
    if (this.newest) this.newest.newer = held;
    else this.oldest = held;
    this.newest = held;
  }
}
