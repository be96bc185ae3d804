/**
 * Relay connections over the services' cursor-paginated lists.
 *
 * `paginate` turns `first`/`after` into service page reads and back into
 * edges with opaque cursors (see domain/cursor.ts). The usual case, a first
 * page or the page after an `endCursor`, is exactly one downstream read of
 * `first` items; resuming from a cursor in the middle of a page reads that page
 * again and skips what the client has seen.
 */
import { decodeCursor, encodeCursor, type CursorKind } from '../domain/cursor';
import type { PageRead } from '../domain/loaders';
import { badUserInput, quote } from '../errors/catalogue';
import { then, type PromiseOrValue } from './promiseOrValue';
import type { ConnectionParent, EdgeParent } from './parents';

/** The largest page a service returns. */
const SERVICE_PAGE_MAX = 100;
/** A defence against a service that keeps returning empty pages with a next cursor. */
const MAX_READS = 4;

/** Checks `first` against the frontend's cap: a clear error, never a silent clamp. */
export function pageSize(first: number | null | undefined, fallback: number, max: number, argument = 'first'): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 0 || size > max) {
    throw badUserInput(`\`${argument}\` must be between 0 and ${max} on this endpoint; received ${quote(size)}.`, argument);
  }
  return size;
}

export function paginate<T>(
  kind: CursorKind,
  first: number,
  after: string | null | undefined,
  read: (page: string | undefined, limit: number) => PromiseOrValue<PageRead<T> | null>,
): PromiseOrValue<ConnectionParent<T>> {
  const start = decodeCursor(kind, after);
  const edges: EdgeParent<T>[] = [];
  let page = start.page;
  let skip = start.skip;
  let hasNextPage = false;
  let reads = 0;

  const done = (): ConnectionParent<T> => ({
    edges,
    pageInfo: {
      hasNextPage,
      hasPreviousPage: start.page !== undefined || start.skip > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  });

  // One service page per step; synchronous as long as the pages are (warm cache).
  const step = (result: PageRead<T> | null): PromiseOrValue<ConnectionParent<T>> => {
    if (result === null) return done();
    if ('rejected' in result) {
      throw badUserInput(`\`after\` is not a position the ${kind} list knows (${result.rejected}); received ${quote(after)}.`, 'after');
    }
    let index = skip;
    for (; index < result.items.length && edges.length < first; index++) {
      edges.push({ node: result.items[index] as T, cursor: encodeCursor(kind, { page, skip: index + 1 }) });
    }
    if (index < result.items.length) {
      hasNextPage = true;
      return done();
    }
    if (result.nextCursor === null) return done();
    page = result.nextCursor;
    skip = 0;
    if (edges.length >= first) {
      // The page ended exactly here: point the last cursor at the next page itself.
      const last = edges[edges.length - 1] as EdgeParent<T>;
      last.cursor = encodeCursor(kind, { page, skip: 0 });
      hasNextPage = true;
      return done();
    }
    return next();
  };

  const next = (): PromiseOrValue<ConnectionParent<T>> => {
    if (first <= 0 || reads >= MAX_READS) return done();
    reads++;
    return then(read(page, Math.min(SERVICE_PAGE_MAX, skip + first - edges.length)), step);
  };

  return next();
}
