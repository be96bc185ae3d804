/**
 * Opaque Relay cursors over the services' own page cursors.
 *
 * A service returns one `nextCursor` per page, but Relay gives every edge a
 * cursor. An edge's cursor therefore names the service page it came from and
 * how many items of that page to skip: `kind:skip:page`, base64url-encoded
 * (the page, the service's own opaque cursor, comes last so it may hold any
 * character).
 * The last edge of a page that has a next one gets `{ page: nextCursor, skip: 0 }`,
 * so the common "load more from endCursor" costs exactly one downstream page.
 * The kind stops a review cursor from being replayed on the product listing.
 *
 * Encoded cursors are remembered by their text (a bounded map, emptied when
 * full): a warm listing writes the same two dozen cursors on every request,
 * and each was a buffer and a base64 encoding.
 */
import { badUserInput, quote } from '../errors/catalogue';

export type CursorKind = 'products' | 'reviews' | 'orders';

export interface CursorPosition {
  /** The service's cursor of the page, undefined for the first page. */
  page: string | undefined;
  /** Items of that page that come before the position. */
  skip: number;
}

/** Cursor texts whose encoding is remembered at most. */
const ENCODED_KEPT = 1024;
const encoded = new Map<string, string>();

export function encodeCursor(kind: CursorKind, position: CursorPosition): string {
  const text = `${kind}:${position.skip}:${position.page === undefined ? '' : `=${position.page}`}`;
  let cursor = encoded.get(text);
  if (cursor === undefined) {
    if (encoded.size >= ENCODED_KEPT) encoded.clear();
    encoded.set(text, (cursor = Buffer.from(text).toString('base64url')));
  }
  return cursor;
}

export function decodeCursor(kind: CursorKind, cursor: string | null | undefined): CursorPosition {
  if (cursor === null || cursor === undefined) return { page: undefined, skip: 0 };
  const text = cursor.length <= 1024 ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const match = /^([a-z]+):(\d{1,3}):(=[\s\S]*)?$/.exec(text);
  const skip = match ? Number(match[2]) : -1;
  if (!match || match[1] !== kind || skip > 100) {
    throw badUserInput(`\`after\` must be a cursor this API returned for ${kind}; received ${quote(cursor)}.`, 'after');
  }
  return { page: match[3] === undefined ? undefined : match[3].slice(1), skip };
}
