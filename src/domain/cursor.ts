/**
 * Opaque Relay cursors over the services' own page cursors.
 *
 * A service returns one `nextCursor` per page, but Relay gives every edge a
 * cursor. An edge's cursor therefore names the service page it came from and
 * how many items of that page to skip: `{ kind, page, skip }`, base64url JSON.
 * The last edge of a page that has a next one gets `{ page: nextCursor, skip: 0 }`,
 * so the common "load more from endCursor" costs exactly one downstream page.
 * The kind stops a review cursor from being replayed on the product listing.
 */
import { badUserInput, quote } from '../errors/catalogue';

export type CursorKind = 'products' | 'reviews' | 'orders';

export interface CursorPosition {
  /** The service's cursor of the page, undefined for the first page. */
  page: string | undefined;
  /** Items of that page that come before the position. */
  skip: number;
}

export function encodeCursor(kind: CursorKind, position: CursorPosition): string {
  const json = JSON.stringify({ k: kind, p: position.page ?? null, s: position.skip });
  return Buffer.from(json).toString('base64url');
}

export function decodeCursor(kind: CursorKind, cursor: string | null | undefined): CursorPosition {
  if (cursor === null || cursor === undefined) return { page: undefined, skip: 0 };
  let parsed: unknown;
  try {
    parsed = cursor.length <= 1024 ? JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) : null;
  } catch {
    parsed = null;
  }
  const value = parsed as { k?: unknown; p?: unknown; s?: unknown } | null;
  if (
    !value ||
    value.k !== kind ||
    (value.p !== null && typeof value.p !== 'string') ||
    typeof value.s !== 'number' ||
    !Number.isInteger(value.s) ||
    value.s < 0 ||
    value.s > 100
  ) {
    throw badUserInput(`\`after\` must be a cursor this API returned for ${kind}; received ${quote(cursor)}.`, 'after');
  }
  return { page: (value.p as string | null) ?? undefined, skip: value.s };
}
