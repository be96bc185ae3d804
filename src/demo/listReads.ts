/**
 * The read routes that answer lists, as the contract defines them: comma-separated batch parameters
 * (`?ids=a,b`, at most 100), `limit`/`cursor` pagination with opaque cursors, and the
 * `{"items":[…],"nextCursor":…}` bodies, assembled from already-serialized items.
 */

import { invalidInput, ok, type Reply } from './replies';

export const MAX_BATCH = 100;

/**
 * A comma-separated batch parameter: trimmed, blanks and duplicates dropped,
 * at most 100 entries. Missing → `undefined` when optional, else a 400.
 */
export function parseBatch(query: Record<string, string>, name: string, required: boolean): string[] | Reply | undefined {
  const raw = query[name];
  if (raw === undefined) return required ? invalidInput(`query parameter ${name} is required`, name) : undefined;
  const out: string[] = [];
  let count = 0;
  for (const part of raw.split(',')) {
    const entry = part.trim();
    if (entry === '') continue;
    if (++count > MAX_BATCH) return invalidInput(`${name} takes at most ${MAX_BATCH} entries`, name);
    if (!out.includes(entry)) out.push(entry);
  }
  return out;
}

/** `limit`: an integer in 1..max, default `fallback`. */
export function parseLimit(query: Record<string, string>, max = 100, fallback = 20): number | Reply {
  const raw = query.limit;
  if (raw === undefined) return fallback;
  const n = /^[0-9]{1,4}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= max)) return invalidInput(`limit must be an integer from 1 to ${max}`, 'limit');
  return n;
}

/** Cursors are opaque to clients; here they are base64url("o:" + offset). */
export function encodeCursor(offset: number): string {
  return Buffer.from(`o:${offset}`, 'latin1').toString('base64url');
}

/** The offset a `cursor` parameter points at (0 without one), or a 400. */
export function parseCursor(query: Record<string, string>): number | Reply {
  const raw = query.cursor;
  if (raw === undefined || raw === '') return 0;
  if (/^[A-Za-z0-9_-]{1,24}$/.test(raw)) {
    const match = /^o:([0-9]{1,9})$/.exec(Buffer.from(raw, 'base64url').toString('latin1'));
    if (match && encodeCursor(Number(match[1])) === raw) return Number(match[1]);
  }
  return invalidInput('cursor is not valid', 'cursor');
}

/** `{"items":[…],"nextCursor":…}` for `limit` items of `list` from `offset`. */
export function pageBody<T>(list: readonly T[], offset: number, limit: number, toJson: (item: T) => string): string {
  const end = Math.min(offset + limit, list.length);
  let body = '{"items":[';
  for (let i = offset; i < end; i++) {
    if (i > offset) body += ',';
    body += toJson(list[i] as T);
  }
  return `${body}],"nextCursor":${end < list.length ? `"${encodeCursor(end)}"` : 'null'}}`;
}

/** Pagination in one call: parses `limit` and `cursor`, then renders the page. */
export function paginate<T>(
  query: Record<string, string>,
  list: readonly T[],
  toJson: (item: T) => string,
  cacheControl: string,
): Reply {
  const limit = parseLimit(query);
  if (typeof limit !== 'number') return limit;
  const offset = parseCursor(query);
  if (typeof offset !== 'number') return offset;
  return ok(pageBody(list, offset, limit, toJson), cacheControl);
}

/** A batch read's body: each key's entity as JSON, unknown keys left out, as the contract says. */
export function batchBody<T extends object>(
  keys: readonly string[],
  find: (key: string) => T | undefined,
  json: (entity: T) => string,
  withNextCursor = false,
): string {
  const items: string[] = [];
  for (const key of keys) {
    const entity = find(key);
    if (entity) items.push(json(entity));
  }
  return itemsBody(items, withNextCursor);
}

/** `{"items":[…]}` of already-serialized items. */
export function itemsBody(jsonItems: readonly string[], withNextCursor = false): string {
  return `{"items":[${jsonItems.join(',')}]${withNextCursor ? ',"nextCursor":null' : ''}}`;
}
