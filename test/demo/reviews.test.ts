/**
 * The reviews service over real HTTP: the review list and its cursors,
 * rating summaries, and writing, replacing and idempotently retrying a review.
 */
import { startDemoServices, type DemoServices } from '../../src/demo/index';
import { call, type Json } from './http';

let demo: DemoServices;
let reviews: string;
beforeAll(async () => {
  demo = await startDemoServices();
  reviews = demo.urls.reviews;
});
afterAll(() => demo.close());

const post = (body: unknown, headers: Record<string, string> = { 'x-user-id': 'u-0500' }) =>
  call(`${reviews}/reviews`, { method: 'POST', headers, body });

describe('GET /products/{productId}/reviews', () => {
  it('pages through all reviews newest first', async () => {
    const expected = (demo.data.reviewsByProduct.get('p-0001') ?? []).map((r) => r.id);
    expect(expected.length).toBeGreaterThanOrEqual(12);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Json = await call(`${reviews}/products/p-0001/reviews?limit=10${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.headers.get('cache-control')).toBe('max-age=30');
      seen.push(...page.json.items.map((r: { id: string }) => r.id));
      cursor = page.json.nextCursor;
    } while (cursor);
    expect(seen).toEqual(expected);
    const first = await call(`${reviews}/products/p-0001/reviews`);
    expect(first.json.items).toHaveLength(20);
    expect(first.json.items[0]).toEqual(demo.data.reviewsByProduct.get('p-0001')?.[0]);
  });

  it('is an empty page for a product without reviews, 404 for a malformed id, 400 for bad paging', async () => {
    expect((await call(`${reviews}/products/p-0007/reviews`)).json).toEqual({ items: [], nextCursor: null });
    expect((await call(`${reviews}/products/p-9999/reviews`)).json).toEqual({ items: [], nextCursor: null });
    expect((await call(`${reviews}/products/bad/reviews`)).status).toBe(404);
    expect((await call(`${reviews}/products/p-0001/reviews?limit=101`)).json).toMatchObject({ error: 'INVALID_INPUT', field: 'limit' });
    expect((await call(`${reviews}/products/p-0001/reviews?cursor=zz`)).json).toMatchObject({ error: 'INVALID_INPUT', field: 'cursor' });
  });
});

describe('GET /ratings', () => {
  it('returns summaries, count 0 and average null without reviews, unknown products left out', async () => {
    const { status, headers, json } = await call(`${reviews}/ratings?productIds=p-0001,p-0007,p-9999,zz`);
    expect(status).toBe(200);
    expect(headers.get('cache-control')).toBe('max-age=30');
    expect(json.items).toEqual([demo.data.ratingsByProduct.get('p-0001'), { productId: 'p-0007', average: null, count: 0 }]);
    expect(json.items[0].count).toBeGreaterThanOrEqual(12);
  });

  it('caps batches at 100 and requires productIds', async () => {
    const ids = demo.data.products.slice(0, 101).map((p) => p.id);
    expect((await call(`${reviews}/ratings?productIds=${ids.slice(0, 100).join(',')}`)).json.items).toHaveLength(100);
    expect((await call(`${reviews}/ratings?productIds=${ids.join(',')}`)).status).toBe(400);
    expect((await call(`${reviews}/ratings`)).json).toMatchObject({ error: 'INVALID_INPUT', field: 'productIds' });
  });
});

describe('POST /reviews', () => {
  it('creates a review that shows up first and updates the rating at once', async () => {
    const before = await call(`${reviews}/ratings?productIds=p-0007`);
    expect(before.json.items[0]).toEqual({ productId: 'p-0007', average: null, count: 0 });

    const created = await post({ productId: 'p-0007', rating: 4, title: 'Nice', body: 'Works well.' }, { 'x-user-id': 'u-0010' });
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    expect(created.json).toEqual({
      id: expect.stringMatching(/^r-\d+$/),
      productId: 'p-0007',
      authorId: 'u-0010',
      rating: 4,
      title: 'Nice',
      body: 'Works well.',
      createdAt: expect.any(String),
    });
    expect(new Date(created.json.createdAt).toISOString()).toBe(created.json.createdAt);

    const list = await call(`${reviews}/products/p-0007/reviews`);
    expect(list.json.items).toEqual([created.json]);
    const after = await call(`${reviews}/ratings?productIds=p-0007`);
    expect(after.json.items[0]).toEqual({ productId: 'p-0007', average: 4, count: 1 });

    const second = await post({ productId: 'p-0007', rating: 1, title: 'Meh', body: 'Broke.' }, { 'x-user-id': 'u-0011' });
    expect(second.status).toBe(201);
    expect((await call(`${reviews}/ratings?productIds=p-0007`)).json.items[0]).toEqual({ productId: 'p-0007', average: 2.5, count: 2 });
  });

  it('replaces the same user\u2019s earlier review of the product', async () => {
    const original = demo.data.reviewsByProduct.get('p-0001')?.at(-1); // the oldest seeded review
    if (!original) throw new Error('p-0001 has reviews');
    const countBefore = demo.data.ratingsByProduct.get('p-0001')?.count;

    const replaced = await post(
      { productId: 'p-0001', rating: original.rating === 5 ? 1 : 5, title: 'Changed my mind', body: 'Updated review.' },
      { 'x-user-id': original.authorId },
    );
    expect(replaced.status).toBe(201);
    expect(replaced.json).toMatchObject({ id: original.id, authorId: original.authorId, title: 'Changed my mind' });

    const all = await call(`${reviews}/products/p-0001/reviews?limit=100`);
    const mine = all.json.items.filter((r: { authorId: string }) => r.authorId === original.authorId);
    expect(mine).toEqual([replaced.json]);
    expect(all.json.items[0]).toEqual(replaced.json);
    const rating = (await call(`${reviews}/ratings?productIds=p-0001`)).json.items[0];
    expect(rating.count).toBe(countBefore);
    const list = demo.data.reviewsByProduct.get('p-0001') ?? [];
    expect(rating.average).toBe(Math.round((list.reduce((s, r) => s + r.rating, 0) / list.length) * 100) / 100);
  });

  it('requires a valid x-user-id (401)', async () => {
    for (const headers of [{}, { 'x-user-id': 'alice' }] as Record<string, string>[]) {
      const res = await post({ productId: 'p-0001', rating: 5, title: 't', body: 'b' }, headers);
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ error: 'UNAUTHORIZED', message: expect.any(String) });
    }
  });

  it.each([
    ['a missing productId', { rating: 5, title: 't', body: 'b' }, 'productId'],
    ['a malformed productId', { productId: 'x-1', rating: 5, title: 't', body: 'b' }, 'productId'],
    ['rating 0', { productId: 'p-0001', rating: 0, title: 't', body: 'b' }, 'rating'],
    ['rating 6', { productId: 'p-0001', rating: 6, title: 't', body: 'b' }, 'rating'],
    ['rating 4.5', { productId: 'p-0001', rating: 4.5, title: 't', body: 'b' }, 'rating'],
    ['rating "5"', { productId: 'p-0001', rating: '5', title: 't', body: 'b' }, 'rating'],
    ['an empty title', { productId: 'p-0001', rating: 5, title: '', body: 'b' }, 'title'],
    ['a title of 121 characters', { productId: 'p-0001', rating: 5, title: 'x'.repeat(121), body: 'b' }, 'title'],
    ['a missing body', { productId: 'p-0001', rating: 5, title: 't' }, 'body'],
    ['a body of 5001 characters', { productId: 'p-0001', rating: 5, title: 't', body: 'x'.repeat(5001) }, 'body'],
  ])('rejects %s with 400 naming the field', async (_label, body, field) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: 'INVALID_INPUT', message: expect.any(String), field });
  });

  it('rejects malformed JSON with 400 and an unknown product with 404', async () => {
    const malformed = await post('{"productId": "p-0001",');
    expect(malformed.status).toBe(400);
    expect(malformed.json.error).toBe('INVALID_INPUT');
    const unknown = await post({ productId: 'p-9999', rating: 5, title: 't', body: 'b' });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toBe('NOT_FOUND');
  });

  it('returns the first result for a repeated idempotency key without writing again', async () => {
    const headers = { 'x-user-id': 'u-0042', 'idempotency-key': 'review-key-1' };
    const first = await post({ productId: 'p-0008', rating: 5, title: 'First', body: 'First body.' }, headers);
    expect(first.status).toBe(201);
    const countAfterFirst = demo.data.ratingsByProduct.get('p-0008')?.count;

    const retry = await post({ productId: 'p-0008', rating: 1, title: 'Second', body: 'Second body.' }, headers);
    expect(retry.status).toBe(201);
    expect(retry.text).toBe(first.text);
    expect(demo.data.reviewsByAuthorAndProduct.get('u-0042 p-0008')?.title).toBe('First');
    expect(demo.data.ratingsByProduct.get('p-0008')?.count).toBe(countAfterFirst);

    // The key is per user: another user with the same key acts.
    const other = await post({ productId: 'p-0008', rating: 2, title: 'Other', body: 'Other body.' }, { ...headers, 'x-user-id': 'u-0043' });
    expect(other.status).toBe(201);
    expect(other.json.authorId).toBe('u-0043');

    const tooLong = await post({ productId: 'p-0008', rating: 5, title: 't', body: 'b' }, { ...headers, 'idempotency-key': 'k'.repeat(129) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.json.field).toBe('idempotency-key');
  });
});
