/**
 * The whole-response cache: for anonymous queries whose every field is
 * public, the finished result's data, keyed by frontend, operation (hash and
 * name), variables and locale, for the max-age the schema's `@cacheControl`
 * hints allow (graphql/documentCachePolicy.ts; the same policy sets the
 * `Cache-Control` header, so a CDN can cache GET responses the same way).
 * What may be stored, and when it is looked up, is the response cache
 * plugin's decision (graphql/plugins/responseCachePlugin.ts).
 *
 * Why it can still honour invalidation: a stored response lists the entities
 * it was built from (the request's cache session knows them). Before serving
 * it, the cache asks the invalidation log (fed by every instance's evictions
 * over pub/sub) whether any of them was evicted since the response was
 * stored; if so, it is a miss. That costs no extra round trip.
 *
 * Why two memos: a hit used to pay a sha256 of its key parts and a JSON.parse
 * of the stored meta line on every request, for the same few keys and the
 * same stored text. The key's digest is remembered per key text, and the
 * decoded entry per stored text (the same string the tier holds, so the check
 * is usually a pointer comparison); both are bounded and change nothing that
 * is stored or answered.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { InvalidationLog } from './invalidationLog';
import type { TieredKeyValueStore } from './keyValueStore';

/** What a response is keyed by. */
export interface ResponseKey {
  frontend: string;
  queryHash: string;
  operationName: string | null | undefined;
  variables: Record<string, unknown> | undefined;
  locale: string;
}

export interface CachedResponse {
  /** The stored result's `data`, as the JSON text it was stored as (written as it is on a hit). */
  dataJson: string;
  /** Whole seconds since it was stored (the `Age` header). */
  ageSeconds: number;
  /** Whole seconds it stays fresh. */
  remainingSeconds: number;
}

/** What is stored besides the data: a line of JSON, then the data's JSON text. */
interface StoredMeta {
  dependencies: string[];
  storedAt: number;
  maxAge: number;
}

/** A stored text, decoded. */
interface Decoded {
  text: string;
  meta: StoredMeta;
  dataJson: string;
}

/** Key texts whose digest is remembered. */
const DIGESTS_KEPT = 4096;
/** Characters of stored texts whose decoding is remembered (the texts themselves are shared with the store's tier). */
const DECODED_CHARACTERS_KEPT = 4 * 1024 * 1024;

export class ResponseCache {
  private readonly digests = new LRUCache<string, string>({ max: DIGESTS_KEPT });
  private readonly decoded = new LRUCache<string, Decoded>({ maxSize: DECODED_CHARACTERS_KEPT, sizeCalculation: (d, key) => d.text.length + key.length });

  constructor(
    private readonly store: TieredKeyValueStore,
    private readonly log: InvalidationLog,
    private readonly now: () => number,
  ) {}

  key(parts: ResponseKey): string {
    const text = JSON.stringify([parts.frontend, parts.queryHash, parts.operationName, parts.variables ?? {}, parts.locale]);
    let digest = this.digests.get(text);
    if (digest === undefined) this.digests.set(text, (digest = createHash('sha256').update(text).digest('base64url')));
    return digest;
  }

  /**
   * The stored response, unless it is absent, unreadable, expired, or built from an entity evicted
   * since. Answered at once (no promise) when this process holds the text; from Redis otherwise.
   */
  lookup(key: string): CachedResponse | null | Promise<CachedResponse | null> {
    const local = this.store.peek(key);
    if (local !== undefined) return this.answer(key, local);
    return this.store.get(key).then((text) => (text === undefined ? null : this.answer(key, text)));
  }

  private answer(key: string, text: string): CachedResponse | null {
    let stored: Decoded | null | undefined = this.decoded.get(key);
    if (stored === undefined || stored.text !== text) {
      stored = parse(text);
      if (!stored) return null;
      if (text.length <= DECODED_CHARACTERS_KEPT / 16) this.decoded.set(key, stored);
    }
    const { meta } = stored;
    const age = (this.now() - meta.storedAt) / 1000;
    if (age >= meta.maxAge || meta.dependencies.some((d) => this.log.mayBeInvalidatedSince(d, meta.storedAt))) return null;
    return { dataJson: stored.dataJson, ageSeconds: Math.floor(age), remainingSeconds: Math.max(0, Math.floor(meta.maxAge - age)) };
  }

  /** Stores a response's data (its JSON text) built at `storedAt` from `dependencies`, for `maxAge` seconds (not awaited by the response). */
  save(key: string, dataJson: string, dependencies: Iterable<string>, storedAt: number, maxAge: number): void {
    const meta: StoredMeta = { dependencies: [...dependencies], storedAt, maxAge };
    void this.store.set(key, `${JSON.stringify(meta)}\n${dataJson}`, { ttl: maxAge });
  }

  /** Forgets this process's copies (Redis keeps the fleet's). */
  clear(): void {
    this.store.clear();
    this.decoded.clear();
  }
}

/**
 * A stored response, or null for a miss (absent, or unreadable: never an error). Only the
 * first line is parsed: JSON text has no raw line break, so the first one ends the meta.
 */
function parse(text: string): Decoded | null {
  const end = text.indexOf('\n');
  if (end < 0) return null;
  try {
    const meta = JSON.parse(text.slice(0, end)) as StoredMeta;
    if (!meta || !Array.isArray(meta.dependencies) || typeof meta.storedAt !== 'number' || typeof meta.maxAge !== 'number') return null;
    return { text, meta, dataJson: text.slice(end + 1) };
  } catch {
    return null;
  }
}
