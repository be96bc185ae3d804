/**
 * The gateway's pure domain logic: cursors, Relay pagination over service
 * pages, page-size checks, mobile summaries, locale negotiation, money,
 * sized images and the category index.
 */
import { GraphQLError } from 'graphql';
import { CategoryIndex } from '../../src/domain/categories';
import { decodeCursor, encodeCursor, type CursorKind, type CursorPosition } from '../../src/domain/cursor';
import { IMAGE_WIDTHS, sizedImage } from '../../src/domain/images';
import type { PageRead } from '../../src/domain/loaders';
import { DEFAULT_LOCALE, localeFromAcceptLanguage } from '../../src/domain/locale';
import { amountOf, formatMoney } from '../../src/domain/money';
import { summarize, SUMMARY_MAX } from '../../src/domain/summary';
import type { DownstreamCategory, DownstreamImage } from '../../src/contract/payloads';
import { paginate, pageSize } from '../../src/resolvers/connection';

/** The GraphQLError a function throws (fails the test otherwise). */
function thrown(fn: () => unknown): GraphQLError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    return error as GraphQLError;
  }
  throw new Error('expected a GraphQLError');
}

/** The GraphQLError a call fails with, thrown at once or as a rejection (paginate is synchronous when it can be). */
async function rejected(call: () => unknown): Promise<GraphQLError> {
  let outcome: unknown;
  try {
    outcome = await call();
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    return error as GraphQLError;
  }
  throw new Error(`expected a rejection, got ${JSON.stringify(outcome)}`);
}

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

// ---------------------------------------------------------------------------

describe('cursor encode/decode', () => {
  it.each<[CursorKind, CursorPosition]>([
    ['products', { page: undefined, skip: 0 }],
    ['products', { page: undefined, skip: 7 }],
    ['reviews', { page: 'o:20', skip: 3 }],
    ['orders', { page: 'b3BhcXVl', skip: 100 }],
  ])('round-trips %s %p', (kind, position) => {
    const cursor = encodeCursor(kind, position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(kind, cursor)).toEqual(position);
  });

  it('is base64url of kind:skip:=page (the page last, so it may hold any character)', () => {
    expect(encodeCursor('reviews', { page: 'o:20', skip: 3 })).toBe(b64('reviews:3:=o:20'));
    expect(encodeCursor('reviews', { page: undefined, skip: 3 })).toBe(b64('reviews:3:'));
    expect(decodeCursor('products', b64('products:5:=abc'))).toEqual({ page: 'abc', skip: 5 });
    expect(decodeCursor('products', b64('products:0:='))).toEqual({ page: '', skip: 0 });
    const odd = 'a:b\n=c';
    expect(decodeCursor('orders', encodeCursor('orders', { page: odd, skip: 7 }))).toEqual({ page: odd, skip: 7 });
  });

  it('no cursor is the start of the list', () => {
    expect(decodeCursor('products', null)).toEqual({ page: undefined, skip: 0 });
    expect(decodeCursor('products', undefined)).toEqual({ page: undefined, skip: 0 });
  });

  it('a cursor of another kind → BAD_USER_INPUT on `after`', () => {
    const cursor = encodeCursor('reviews', { page: 'o:20', skip: 3 });
    const error = thrown(() => decodeCursor('products', cursor));
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'after' });
    expect(error.message).toBe(`\`after\` must be a cursor this API returned for products; received "${cursor}".`);
  });

  it.each([
    ['plain garbage', 'not a cursor!'],
    ['empty string', ''],
    ['JSON', b64('{"k":"products","p":null,"s":0}')],
    ['no separators', b64('products')],
    ['negative skip', b64('products:-1:')],
    ['skip above 100', b64('products:101:')],
    ['fractional skip', b64('products:1.5:')],
    ['skip not a number', b64('products:one:')],
    ['page without its marker', b64('products:0:abc')],
    ['missing kind', b64(':0:')],
  ])('%s → BAD_USER_INPUT', (_label, cursor) => {
    const error = thrown(() => decodeCursor('products', cursor));
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'after' });
    expect(error.message).toBe(`\`after\` must be a cursor this API returned for products; received ${JSON.stringify(cursor)}.`);
  });

  it('an over-long cursor is refused and clipped in the message', () => {
    const valid = encodeCursor('products', { page: 'x'.repeat(900), skip: 1 });
    expect(valid.length).toBeGreaterThan(1024);
    const error = thrown(() => decodeCursor('products', valid));
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    expect(error.message).toBe(`\`after\` must be a cursor this API returned for products; received ${JSON.stringify(valid.slice(0, 64) + '…')}.`);
  });
});

// ---------------------------------------------------------------------------

/** A service list of `n` items paged by offset cursors `o:<offset>`, limit 1..100, recording its reads. */
function serviceList(n: number) {
  const items = Array.from({ length: n }, (_, i) => `item-${i}`);
  const reads: [string | undefined, number][] = [];
  const read = async (page: string | undefined, limit: number): Promise<PageRead<string>> => {
    reads.push([page, limit]);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new Error(`service limit out of range: ${limit}`);
    const offset = page === undefined ? 0 : Number(page.slice(2));
    const end = Math.min(offset + limit, items.length);
    return { items: items.slice(offset, end), nextCursor: end < items.length ? `o:${end}` : null };
  };
  return { items, reads, read };
}

const at = (kind: CursorKind, cursor: string | null | undefined) => decodeCursor(kind, cursor);

describe('paginate: the first page', () => {
  it('reads `first` items once and points the end cursor at the next service page', async () => {
    const list = serviceList(10);
    const conn = await paginate('products', 3, null, list.read);
    expect(conn.edges.map((e) => e.node)).toEqual(['item-0', 'item-1', 'item-2']);
    expect(conn.edges.map((e) => at('products', e.cursor))).toEqual([
      { page: undefined, skip: 1 },
      { page: undefined, skip: 2 },
      { page: 'o:3', skip: 0 },
    ]);
    expect(conn.pageInfo).toEqual({
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: conn.edges[0]?.cursor,
      endCursor: conn.edges[2]?.cursor,
    });
    expect(list.reads).toEqual([[undefined, 3]]);
  });

  it('a list shorter than `first` has no next page', async () => {
    const list = serviceList(5);
    const conn = await paginate('products', 10, undefined, list.read);
    expect(conn.edges.map((e) => e.node)).toEqual(list.items);
    expect(conn.pageInfo.hasNextPage).toBe(false);
    expect(at('products', conn.pageInfo.endCursor)).toEqual({ page: undefined, skip: 5 });
    expect(list.reads).toEqual([[undefined, 10]]);
  });

  it('a list of exactly `first` items has no next page', async () => {
    const list = serviceList(3);
    const conn = await paginate('products', 3, undefined, list.read);
    expect(conn.edges).toHaveLength(3);
    expect(conn.pageInfo.hasNextPage).toBe(false);
  });
});

describe('paginate: continuing from endCursor', () => {
  it('costs exactly one read of `first` items from the next service page', async () => {
    const list = serviceList(10);
    const first = await paginate('products', 3, null, list.read);
    list.reads.length = 0;
    const second = await paginate('products', 3, first.pageInfo.endCursor, list.read);
    expect(list.reads).toEqual([['o:3', 3]]);
    expect(second.edges.map((e) => e.node)).toEqual(['item-3', 'item-4', 'item-5']);
    expect(second.pageInfo.hasPreviousPage).toBe(true);
    expect(second.pageInfo.hasNextPage).toBe(true);
    expect(at('products', second.pageInfo.endCursor)).toEqual({ page: 'o:6', skip: 0 });
  });

  it('walking the whole list page by page sees every item once', async () => {
    const list = serviceList(10);
    const seen: string[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 10; guard++) {
      const conn: Awaited<ReturnType<typeof paginate<string>>> = await paginate('products', 4, after, list.read);
      seen.push(...conn.edges.map((e) => e.node));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(seen).toEqual(list.items);
    expect(list.reads).toEqual([
      [undefined, 4],
      ['o:4', 4],
      ['o:8', 4],
    ]);
  });

  it('the last page ends with no next page', async () => {
    const list = serviceList(6);
    const conn = await paginate('products', 3, encodeCursor('products', { page: 'o:3', skip: 0 }), list.read);
    expect(conn.edges.map((e) => e.node)).toEqual(['item-3', 'item-4', 'item-5']);
    expect(conn.pageInfo.hasNextPage).toBe(false);
    expect(at('products', conn.pageInfo.endCursor)).toEqual({ page: 'o:3', skip: 3 });
  });
});

describe('paginate: resuming mid-page', () => {
  it('re-reads the page and skips what the client has seen', async () => {
    const list = serviceList(10);
    const first = await paginate('products', 3, null, list.read);
    list.reads.length = 0;
    const resumed = await paginate('products', 3, first.edges[0]?.cursor, list.read);
    expect(list.reads).toEqual([[undefined, 4]]);
    expect(resumed.edges.map((e) => e.node)).toEqual(['item-1', 'item-2', 'item-3']);
    expect(resumed.pageInfo.hasPreviousPage).toBe(true);
    expect(resumed.pageInfo.hasNextPage).toBe(true);
    expect(at('products', resumed.pageInfo.endCursor)).toEqual({ page: 'o:4', skip: 0 });
  });

  it('inside a later service page', async () => {
    const list = serviceList(10);
    const conn = await paginate('products', 3, encodeCursor('products', { page: 'o:3', skip: 2 }), list.read);
    expect(list.reads).toEqual([['o:3', 5]]);
    expect(conn.edges.map((e) => e.node)).toEqual(['item-5', 'item-6', 'item-7']);
    expect(conn.edges.map((e) => at('products', e.cursor))).toEqual([
      { page: 'o:3', skip: 3 },
      { page: 'o:3', skip: 4 },
      { page: 'o:8', skip: 0 },
    ]);
  });

  it('spans two service pages when skip + first > 100', async () => {
    const list = serviceList(300);
    const conn = await paginate('products', 20, encodeCursor('products', { page: undefined, skip: 90 }), list.read);
    expect(list.reads).toEqual([
      [undefined, 100],
      ['o:100', 10],
    ]);
    expect(conn.edges.map((e) => e.node)).toEqual(list.items.slice(90, 110));
    expect(at('products', conn.edges[9]?.cursor)).toEqual({ page: undefined, skip: 100 });
    expect(at('products', conn.edges[10]?.cursor)).toEqual({ page: 'o:100', skip: 1 });
    expect(conn.pageInfo.hasNextPage).toBe(true);
    expect(at('products', conn.pageInfo.endCursor)).toEqual({ page: 'o:110', skip: 0 });
  });

  it('a cursor at skip 100 of a full page continues on the next page', async () => {
    const list = serviceList(300);
    const conn = await paginate('products', 5, encodeCursor('products', { page: undefined, skip: 100 }), list.read);
    expect(conn.edges.map((e) => e.node)).toEqual(list.items.slice(100, 105));
  });
});

describe('paginate: edge cases', () => {
  it('first: 0 reads nothing and returns an empty connection', async () => {
    const list = serviceList(10);
    const conn = await paginate('products', 0, null, list.read);
    expect(conn).toEqual({ edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } });
    expect(list.reads).toEqual([]);
  });

  it('first: 0 after a cursor still checks the cursor and reports a previous page', async () => {
    const list = serviceList(10);
    const conn = await paginate('products', 0, encodeCursor('products', { page: 'o:3', skip: 0 }), list.read);
    expect(conn.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null });
    expect(list.reads).toEqual([]);
    await rejected(() => paginate('products', 0, 'garbage', list.read));
  });

  it('an empty list', async () => {
    const list = serviceList(0);
    const conn = await paginate('products', 5, null, list.read);
    expect(conn).toEqual({ edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } });
    expect(list.reads).toEqual([[undefined, 5]]);
  });

  it('a null read (unknown parent) is an empty connection', async () => {
    const conn = await paginate('reviews', 5, null, async () => null);
    expect(conn.edges).toEqual([]);
    expect(conn.pageInfo.hasNextPage).toBe(false);
  });

  it('a reader returning {rejected} → BAD_USER_INPUT on `after`', async () => {
    const after = encodeCursor('reviews', { page: 'stale', skip: 0 });
    const error = await rejected(() => paginate('reviews', 5, after, async () => ({ rejected: 'cursor is not valid' })));
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'after' });
    expect(error.message).toBe(`\`after\` is not a position the reviews list knows (cursor is not valid); received "${after}".`);
  });

  it('a cursor of another kind is refused before any read', async () => {
    const list = serviceList(10);
    const error = await rejected(() => paginate('orders', 5, encodeCursor('products', { page: undefined, skip: 1 }), list.read));
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'after' });
    expect(list.reads).toEqual([]);
  });

  it('a service that keeps answering empty pages with a next cursor is read at most 4 times', async () => {
    const reads: (string | undefined)[] = [];
    const conn = await paginate('products', 5, null, async (page) => {
      reads.push(page);
      return { items: [], nextCursor: `n${reads.length}` };
    });
    expect(reads).toEqual([undefined, 'n1', 'n2', 'n3']);
    expect(conn.edges).toEqual([]);
  });
});

describe('pageSize', () => {
  it('uses the fallback when `first` is absent and accepts 0..max', () => {
    expect(pageSize(undefined, 10, 20)).toBe(10);
    expect(pageSize(null, 10, 20)).toBe(10);
    expect(pageSize(0, 10, 20)).toBe(0);
    expect(pageSize(20, 10, 20)).toBe(20);
  });

  it.each([
    [21, 20, '`first` must be between 0 and 20 on this endpoint; received 21.'],
    [-1, 20, '`first` must be between 0 and 20 on this endpoint; received -1.'],
    [2.5, 100, '`first` must be between 0 and 100 on this endpoint; received 2.5.'],
    [101, 100, '`first` must be between 0 and 100 on this endpoint; received 101.'],
  ])('%p with max %p → BAD_USER_INPUT, never clamped', (first, max, message) => {
    const error = thrown(() => pageSize(first, 10, max));
    expect(error.message).toBe(message);
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'first' });
  });

  it('names another argument when asked', () => {
    const error = thrown(() => pageSize(30, 3, 20, 'last'));
    expect(error.message).toBe('`last` must be between 0 and 20 on this endpoint; received 30.');
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'last' });
  });
});

// ---------------------------------------------------------------------------

describe('summarize', () => {
  it('short text is unchanged', () => {
    expect(summarize('A small desk lamp.')).toBe('A small desk lamp.');
    const exactly = 'x'.repeat(SUMMARY_MAX);
    expect(summarize(exactly)).toBe(exactly);
  });

  it('removes markdown syntax and drops headings', () => {
    const md = [
      '# Desk Lamp Pro',
      '',
      'The **Desk Lamp Pro** is a _bright_, [dimmable](https://x.example/dim) lamp with `USB-C`.',
      '',
      '## Features',
      '',
      '- Three *colour* temperatures',
      '* ~~Old~~ New hinge',
      '1. Clamp mount',
      '',
      '> Quiet and cool.',
      '',
      '![photo](https://img.example/1.jpg)',
      '```',
      'code block',
      '```',
    ].join('\n');
    const summary = summarize(md);
    expect(summary).toBe('The Desk Lamp Pro is a bright, dimmable lamp with USB-C. Three colour temperatures Old New hinge Clamp mount Quiet and cool. photo');
    expect(summary).not.toMatch(/[*_`#>~[\]()]|https?:/);
    expect(summary).not.toContain('Features');
  });

  it('cuts long text at a word boundary with an ellipsis, at most 200 characters', () => {
    const words = Array.from({ length: 40 }, (_, i) => `word${String(i).padStart(2, '0')}`);
    const md = `# Heading\n\n**${words.slice(0, 5).join(' ')}** ${words.slice(5).join(' ')}`;
    const summary = summarize(md);
    expect(summary).toBe(`${words.slice(0, 28).join(' ')}…`);
    expect(summary.length).toBeLessThanOrEqual(200);
  });

  it('drops punctuation left before the ellipsis', () => {
    expect(summarize(`${'a'.repeat(150)}, ${'b'.repeat(100)}`)).toBe(`${'a'.repeat(150)}…`);
  });

  it('a single over-long word is cut hard to exactly 200 characters', () => {
    const summary = summarize('z'.repeat(300));
    expect(summary).toBe(`${'z'.repeat(199)}…`);
    expect(summary).toHaveLength(200);
  });

  it('folds whitespace', () => {
    expect(summarize('  one\n\n two\t\tthree  ')).toBe('one two three');
  });
});

// ---------------------------------------------------------------------------

describe('localeFromAcceptLanguage', () => {
  it.each([
    ['de-DE,de;q=0.9', 'de-DE'],
    ['de-DE,de;q=0.9,en;q=0.8', 'de-DE'],
    ['fr;q=0.5, ja-JP;q=0.8', 'ja-JP'],
    ['en;q=0.1, de;q=0.1', 'en'],
    ['en-GB;q=0, de', 'de'],
    ['ja-JP', 'ja-JP'],
  ])('%p → %p (by q, then order)', (header, locale) => {
    expect(localeFromAcceptLanguage(header)).toBe(locale);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['*', '*'],
    ['garbage', '!!!; q=x, ???'],
    ['script injection', '<script>alert(1)</script>'],
    ['only unsupported tags', 'zz, qaa'],
    ['all q=0', 'de;q=0, fr;q=0'],
  ])('%s → en-US', (_label, header) => {
    expect(localeFromAcceptLanguage(header)).toBe(DEFAULT_LOCALE);
    expect(DEFAULT_LOCALE).toBe('en-US');
  });

  it('an unsupported tag falls to the next one', () => {
    expect(localeFromAcceptLanguage('zz-ZZ, fr-FR;q=0.9')).toBe('fr-FR');
    expect(localeFromAcceptLanguage('!!, de-DE;q=0.5')).toBe('de-DE');
  });

  it('only the first 256 characters of an over-long header are read', () => {
    expect(localeFromAcceptLanguage(`${'zz;q=0.1,'.repeat(40)}de-DE`)).toBe('en-US');
    expect(localeFromAcceptLanguage(`de-DE,${'x'.repeat(5000)}`)).toBe('de-DE');
  });

  it('the same header gives the same answer again (memoised)', () => {
    expect(localeFromAcceptLanguage('ja-JP;q=0.9, de;q=0.1')).toBe('ja-JP');
    expect(localeFromAcceptLanguage('ja-JP;q=0.9, de;q=0.1')).toBe('ja-JP');
  });
});

// ---------------------------------------------------------------------------

describe('formatMoney', () => {
  it.each([
    [123456, 'USD', 'en-US', '$1,234.56'],
    [123456, 'EUR', 'de-DE', '1.234,56\u00a0€'],
    [123456, 'EUR', 'ja-JP', '€1,234.56'],
    [123456, 'GBP', 'en-US', '£1,234.56'],
    [5, 'EUR', 'en-US', '€0.05'],
    [0, 'EUR', 'de-DE', '0,00\u00a0€'],
  ])('%p cents %s in %s → %p', (cents, currency, locale, expected) => {
    expect(formatMoney(cents, currency, locale)).toBe(expected);
    // The cached formatter gives the same answer.
    expect(formatMoney(cents, currency, locale)).toBe(expected);
  });

  it('a well-formed code Intl has no symbol for is shown with the code', () => {
    expect(formatMoney(123456, 'XYZ', 'en-US')).toBe('XYZ\u00a01,234.56');
  });

  it('a code Intl rejects falls back to the amount and the code', () => {
    expect(formatMoney(123456, 'EURO', 'en-US')).toBe('1234.56 EURO');
    expect(formatMoney(-250, 'EURO', 'de-DE')).toBe('-2.50 EURO');
  });

  it('amountOf turns cents into a decimal amount', () => {
    expect(amountOf(123456)).toBe(1234.56);
    expect(amountOf(0)).toBe(0);
  });
});

// ---------------------------------------------------------------------------

describe('sizedImage', () => {
  const original: DownstreamImage = { id: 'i-1', url: 'https://img.example/lamp.jpg', width: 1600, height: 1200, alt: 'A lamp' };

  it('has the four named widths', () => {
    expect(IMAGE_WIDTHS).toEqual({ THUMB: 160, SMALL: 320, MEDIUM: 640, LARGE: 1280 });
  });

  it.each([
    ['THUMB', 160, 120],
    ['SMALL', 320, 240],
    ['MEDIUM', 640, 480],
    ['LARGE', 1280, 960],
  ] as const)('%s → %p×%p with ?w=', (size, width, height) => {
    expect(sizedImage(original, size)).toEqual({ url: `https://img.example/lamp.jpg?w=${width}`, width, height, alt: 'A lamp' });
  });

  it('rounds proportional heights', () => {
    expect(sizedImage({ ...original, width: 1000, height: 333 }, 'MEDIUM').height).toBe(213);
    expect(sizedImage({ ...original, width: 600, height: 900 }, 'THUMB').height).toBe(240);
  });

  it('an existing query string gets &w=', () => {
    expect(sizedImage({ ...original, url: 'https://img.example/lamp.jpg?v=3' }, 'SMALL').url).toBe('https://img.example/lamp.jpg?v=3&w=320');
  });

  it('a zero-width original is treated as square', () => {
    expect(sizedImage({ ...original, width: 0, height: 0 }, 'THUMB')).toMatchObject({ width: 160, height: 160 });
  });
});

// ---------------------------------------------------------------------------

describe('CategoryIndex', () => {
  const cat = (id: string, parentId: string | null): DownstreamCategory => ({ id, slug: `slug-${id}`, name: `Name ${id}`, parentId });
  const home = cat('c-001', null);
  const lighting = cat('c-002', 'c-001');
  const desk = cat('c-003', 'c-002');
  const garden = cat('c-004', null);
  const kitchen = cat('c-005', 'c-001');
  const orphan = cat('c-006', 'c-999');
  const index = new CategoryIndex([desk, home, lighting, garden, kitchen, orphan]);
  const ids = (list: DownstreamCategory[]) => list.map((c) => c.id);

  it('breadcrumb runs root → leaf', () => {
    expect(ids(index.breadcrumb('c-003'))).toEqual(['c-001', 'c-002', 'c-003']);
    expect(ids(index.breadcrumb('c-001'))).toEqual(['c-001']);
    expect(index.breadcrumb('c-404')).toEqual([]);
  });

  it('children keep input order; a leaf has none', () => {
    expect(ids(index.children('c-001'))).toEqual(['c-002', 'c-005']);
    expect(ids(index.children('c-002'))).toEqual(['c-003']);
    expect(index.children('c-003')).toEqual([]);
  });

  it('roots are the categories without a (known) parent', () => {
    expect(ids(index.roots)).toEqual(['c-001', 'c-004', 'c-006']);
    expect(ids(index.breadcrumb('c-006'))).toEqual(['c-006']);
  });

  it('get by id, null when unknown', () => {
    expect(index.get('c-002')).toMatchObject(lighting);
    expect(index.get('c-404')).toBeNull();
    expect(index.all).toHaveLength(6);
  });

  it('links each category to its parent, null for a root or an unknown parent', () => {
    expect(index.get('c-003')?.parent).toBe(index.get('c-002'));
    expect(index.get('c-002')?.parent).toBe(index.get('c-001'));
    expect(index.get('c-001')?.parent).toBeNull();
    expect(index.get('c-006')?.parent).toBeNull();
    expect(desk).not.toHaveProperty('parent'); // the cached payload is left as it is
  });

  it('is cycle-safe', () => {
    const cyclic = new CategoryIndex([cat('a', 'b'), cat('b', 'a'), cat('self', 'self')]);
    expect(ids(cyclic.breadcrumb('a'))).toEqual(['b', 'a']);
    expect(ids(cyclic.breadcrumb('b'))).toEqual(['a', 'b']);
    expect(ids(cyclic.breadcrumb('self'))).toEqual(['self']);
    expect(cyclic.roots).toEqual([]);
  });
});
