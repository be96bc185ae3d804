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
 * Why this process holds a response as its body's bytes: a hit is written
 * to the socket as it was stored, so the bytes are what a hit needs; the
 * stored meta is decoded once, when the response is stored or first read
 * from Redis. (It used to hold the stored text, and a second, bounded copy
 * of the same response as bytes beside it: a response's JSON with a "€" in
 * it is a two-byte string, so each response cost three times its size.)
 * Redis holds the fleet's copy as text: a line of JSON meta, then the data's
 * JSON, which any instance decodes the same way.
 *
 * Why the key's digest is remembered: a hit used to pay a sha256 of its key
 * parts on every request, for the same few keys. It is remembered per key
 * text, bounded, and changes nothing that is stored or answered.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { InvalidationLog } from './invalidationLog';
import type { RedisTier } from './redisTier';

/** What a response is keyed by. */
export interface ResponseKey {
  frontend: string;
  queryHash: string;
  operationName: string | null | undefined;
  variables: Record<string, unknown> | undefined;
  locale: string;
}

export interface CachedResponse {
  /** The response's body as Apollo Server writes a result with data only, `{"data":…}`, in UTF-8 (written as it is on a hit). */
  body: Buffer;
  /** Whole seconds since it was stored (the `Age` header). */
  ageSeconds: number;
  /** Whole seconds it stays fresh. */
  remainingSeconds: number;
}

export interface ResponseCacheOptions {
  /** The fleet's copies (null: this process only). */
  redis: RedisTier | null;
  /** Evictions since a response was stored make it a miss. */
  log: InvalidationLog;
  /** Milliseconds since epoch: the clock `storedAt` is read with. */
  now: () => number;
  /** Bytes this process holds responses in (bodies, keys, dependencies and their objects). Default 8 MiB. */
  maxBytes?: number;
}

/** What is stored besides the data: a line of JSON, then the data's JSON text. */
interface StoredMeta {
  dependencies: string[];
  storedAt: number;
  maxAge: number;
}

/** A response as this process holds it. */
interface Held {
  meta: StoredMeta;
  body: Buffer;
}

/** What one held response weighs: its body, its key, its dependencies' names, and the objects around them. */
function heldSize(held: Held, key: string): number {
  let size = HELD_OVERHEAD_BYTES + held.body.length + key.length;
  for (const d of held.meta.dependencies) size += d.length + 16;
  return size;
}

/** A held response's objects besides its text: the entry, the meta, the Buffer and its backing store, lru-cache's slots. */
const HELD_OVERHEAD_BYTES = 200;
/** Redis's namespace for responses. */
const NAMESPACE = 'response:';
/** Key texts whose digest is remembered. */
const DIGESTS_KEPT = 4096;
/** How long a response read from Redis is held here at most (Redis keeps the authoritative TTL; its meta decides freshness). */
const REMOTE_HELD_MS = 60_000;
/** A body's bytes around its data: `{"data":` and `}`. */
const BODY_HEAD = '{"data":';
const BODY_TAIL = '}';

export class ResponseCache {
  private readonly digests = new LRUCache<string, string>({ max: DIGESTS_KEPT });
  private readonly local: LRUCache<string, Held>;
  private readonly redis: RedisTier | null;
  private readonly log: InvalidationLog;
  private readonly now: () => number;

  constructor(options: ResponseCacheOptions) {
    const maxBytes = options.maxBytes ?? 8 * 1024 * 1024;
    // A response larger than a sixteenth of the budget is not held here (it would evict many): Redis still has it.
    this.local = new LRUCache<string, Held>({ maxSize: maxBytes, maxEntrySize: Math.max(1, Math.floor(maxBytes / 16)), sizeCalculation: heldSize });
    this.redis = options.redis;
    this.log = options.log;
    this.now = options.now;
  }

  key(parts: ResponseKey): string {
    const text = JSON.stringify([parts.frontend, parts.queryHash, parts.operationName, parts.variables ?? {}, parts.locale]);
    let digest = this.digests.get(text);
    if (digest === undefined) this.digests.set(text, (digest = createHash('sha256').update(text).digest('base64url')));
    return digest;
  }

  /**
   * The stored response, unless it is absent, unreadable, expired, or built from an entity evicted
   * since. Answered at once (no promise) when this process holds it or there is no Redis; from Redis
   * otherwise, where a failure is a miss, never an error.
   */
  lookup(key: string): CachedResponse | null | Promise<CachedResponse | null> {
    const held = this.local.get(key);
    if (held !== undefined) return this.answer(held);
    const { redis } = this;
    if (!redis?.ready) return null;
    return redis.getValue(`${NAMESPACE}${key}`).then(
      (text) => {
        // A response stored here while Redis answered is the newer one: it stays.
        const current = this.local.get(key);
        if (current !== undefined) return this.answer(current);
        const remote = text === null ? null : decode(text);
        if (!remote) return null;
        this.local.set(key, remote, { ttl: REMOTE_HELD_MS });
        return this.answer(remote);
      },
      () => null,
    );
  }

  private answer({ meta, body }: Held): CachedResponse | null {
    const age = (this.now() - meta.storedAt) / 1000;
    if (age >= meta.maxAge || meta.dependencies.some((d) => this.log.mayBeInvalidatedSince(d, meta.storedAt))) return null;
    return { body, ageSeconds: Math.floor(age), remainingSeconds: Math.max(0, Math.floor(meta.maxAge - age)) };
  }

  /**
   * Stores a response's data (its JSON text) built at `storedAt` from `dependencies`, for `maxAge`
   * seconds, here and in Redis (not awaited by the response). A max-age of 0 stores nothing: it
   * would never be served.
   */
  save(key: string, dataJson: string, dependencies: Iterable<string>, storedAt: number, maxAge: number): void {
    if (!(maxAge > 0)) return;
    const meta: StoredMeta = { dependencies: [...dependencies], storedAt, maxAge };
    this.local.set(key, { meta, body: ownBytes(`${BODY_HEAD}${dataJson}${BODY_TAIL}`) }, { ttl: maxAge * 1000 });
    const { redis } = this;
    if (!redis?.ready) return;
    redis.setValue(`${NAMESPACE}${key}`, `${JSON.stringify(meta)}\n${dataJson}`, maxAge * 1000).catch(() => {
      // held here; other instances will store it themselves
    });
  }

  /** Forgets this process's copies (Redis keeps the fleet's). */
  clear(): void {
    this.local.clear();
  }
}

/**
 * A response as Redis stores it, or null when it is unreadable (a miss, never an error). Only the
 * first line is parsed: JSON text has no raw line break, so the first one ends the meta.
 */
function decode(text: string): Held | null {
  const end = text.indexOf('\n');
  if (end < 0) return null;
  try {
    const meta = JSON.parse(text.slice(0, end)) as StoredMeta;
    if (!meta || !Array.isArray(meta.dependencies) || typeof meta.storedAt !== 'number' || typeof meta.maxAge !== 'number') return null;
    return { meta, body: ownBytes(`${BODY_HEAD}${text.slice(end + 1)}${BODY_TAIL}`) };
  } catch {
    return null;
  }
}

/**
 * `text` in UTF-8, in memory of its own. Why not `Buffer.from`: a body under 4 KiB would be a slice
 * of Node's shared 8 KiB pool, and a held slice keeps the whole slab alive, with the short-lived
 * buffers cut from it beside it: thousands of held bodies pinned megabytes of slabs.
 */
function ownBytes(text: string): Buffer {
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text, 'utf8'));
  bytes.write(text, 'utf8');
  return bytes;
}
