/**
 * What a demo route handler returns: a ready-to-send `Reply` (status, JSON text, Cache-Control),
 * built by a handful of constructors so every service answers errors in the contract's
 * `{"error","message",...}` shape and with the contract's caching per resource.
 *
 * Handlers are synchronous and return replies instead of writing to the response, which keeps the
 * benchmark's request path short; entities that never change have their JSON text cached per object.
 */

/** What a handler returns: sent as JSON with these headers. */
export interface Reply {
  status: number;
  /** JSON text (or, for 204, empty). */
  body: string;
  cacheControl: string;
  headers?: Record<string, string>;
}

/** Cache-Control values, per the contract's resources. */
export const CACHE = {
  products: 'max-age=60',
  categories: 'max-age=300',
  stock: 'max-age=5',
  ratings: 'max-age=30',
  reviews: 'max-age=30',
  users: 'max-age=300',
  recommendations: 'max-age=120',
  /** Orders: personal and changing. */
  private: 'private, no-store',
  /** Errors, writes, control routes. */
  none: 'no-store',
} as const;

export function ok(body: string, cacheControl: string, status = 200): Reply {
  return { status, body, cacheControl };
}

export function errorReply(
  status: number,
  error: string,
  message: string,
  extra?: { field?: string; sku?: string; available?: number },
  cacheControl: string = CACHE.none,
): Reply {
  return { status, body: JSON.stringify({ error, message, ...extra }), cacheControl };
}

export const invalidInput = (message: string, field?: string): Reply =>
  errorReply(400, 'INVALID_INPUT', message, field === undefined ? undefined : { field });

export const notFound = (message: string): Reply => errorReply(404, 'NOT_FOUND', message);

export function isReply(value: unknown): value is Reply {
  return typeof value === 'object' && value !== null && 'status' in value && 'cacheControl' in value;
}

const jsonCache = new WeakMap<object, string>();

/**
 * JSON text of an entity that never changes (the seed freezes them), computed
 * once per object. Mutable objects (stock, ratings) must not go through here.
 */
export function cachedJson(entity: object): string {
  let text = jsonCache.get(entity);
  if (text === undefined) {
    text = JSON.stringify(entity);
    jsonCache.set(entity, text);
  }
  return text;
}
