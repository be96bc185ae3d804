/**
 * The small read services over real HTTP: inventory (stock), accounts
 * (users) and recommendations.
 */
import { startDemoServices, type DemoServices } from '../../src/demo/index';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

async function get(url: string): Promise<{ status: number; headers: Headers; json: Json }> {
  const res = await fetch(url);
  return { status: res.status, headers: res.headers, json: (await res.json()) as Json };
}

let demo: DemoServices;
beforeAll(async () => {
  demo = await startDemoServices();
});
afterAll(() => demo.close());

describe('inventory: GET /stock', () => {
  it('returns stock levels for known SKUs only', async () => {
    const { status, headers, json } = await get(`${demo.urls.inventory}/stock?skus=SKU-000001,SKU-999999,junk,SKU-000005,SKU-000006`);
    expect(status).toBe(200);
    expect(headers.get('cache-control')).toBe('max-age=5');
    expect(json.items).toEqual([
      demo.data.stockBySku.get('SKU-000001'),
      demo.data.stockBySku.get('SKU-000005'),
      { sku: 'SKU-000006', available: 0, restockDate: null },
    ]);
    expect(json.items[0].available).toBeGreaterThan(0);
    expect(json.items[1]).toMatchObject({ available: 0, restockDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
  });

  it('caps batches at 100 and requires skus', async () => {
    const skus = demo.data.products.slice(0, 101).map((p) => p.sku);
    expect((await get(`${demo.urls.inventory}/stock?skus=${skus.slice(0, 100).join(',')}`)).json.items).toHaveLength(100);
    const tooMany = await get(`${demo.urls.inventory}/stock?skus=${skus.join(',')}`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.json).toMatchObject({ error: 'INVALID_INPUT', field: 'skus' });
    const missing = await get(`${demo.urls.inventory}/stock`);
    expect(missing.status).toBe(400);
    expect(missing.json).toMatchObject({ error: 'INVALID_INPUT', field: 'skus' });
  });
});

describe('accounts: GET /users', () => {
  it('returns users by ids, leaving out unknown ones', async () => {
    const { status, headers, json } = await get(`${demo.urls.accounts}/users?ids=u-0002,u-9999,x,u-0001`);
    expect(status).toBe(200);
    expect(headers.get('cache-control')).toBe('max-age=300');
    expect(json.items).toEqual([demo.data.usersById.get('u-0002'), demo.data.usersById.get('u-0001')]);
    expect(json.items[1]).toEqual({
      id: 'u-0001',
      displayName: expect.any(String),
      email: expect.stringMatching(/^[a-z]+\.[a-z]+[0-9]*@example\.com$/),
      avatarUrl: expect.stringMatching(/^https:\/\//),
      memberSince: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
  });

  it('caps batches at 100', async () => {
    const hundredAndOne = demo.data.users.slice(0, 101).map((u) => u.id);
    expect((await get(`${demo.urls.accounts}/users?ids=${hundredAndOne.slice(0, 100).join(',')}`)).json.items).toHaveLength(100);
    expect((await get(`${demo.urls.accounts}/users?ids=${hundredAndOne.join(',')}`)).status).toBe(400);
  });

  it('GET /users/{id} returns one user or 404', async () => {
    const one = await get(`${demo.urls.accounts}/users/u-1000`);
    expect(one.status).toBe(200);
    expect(one.json).toEqual(demo.data.usersById.get('u-1000'));
    for (const id of ['u-1001', 'nobody']) {
      const missing = await get(`${demo.urls.accounts}/users/${id}`);
      expect(missing.status).toBe(404);
      expect(missing.json).toEqual({ error: 'NOT_FOUND', message: expect.any(String) });
    }
  });
});

describe('recommendations: GET /recommendations', () => {
  it('returns 10 related ids by default, up to limit, never the product itself', async () => {
    const { status, headers, json } = await get(`${demo.urls.recommendations}/recommendations?productId=p-0001`);
    expect(status).toBe(200);
    expect(headers.get('cache-control')).toBe('max-age=120');
    const related = demo.data.recommendationsByProduct.get('p-0001') ?? [];
    expect(json).toEqual({ productIds: related.slice(0, 10) });
    const eight = await get(`${demo.urls.recommendations}/recommendations?productId=p-0001&limit=8`);
    expect(eight.json.productIds).toEqual(related.slice(0, 8));
    const all = await get(`${demo.urls.recommendations}/recommendations?productId=p-0001&limit=50`);
    expect(all.json.productIds).toEqual(related);
    expect(all.json.productIds).not.toContain('p-0001');
  });

  it('has nothing for an unknown product and rejects bad parameters', async () => {
    expect((await get(`${demo.urls.recommendations}/recommendations?productId=p-9999`)).json).toEqual({ productIds: [] });
    for (const [query, field] of [
      ['', 'productId'],
      ['productId=abc', 'productId'],
      ['productId=p-0001&limit=0', 'limit'],
      ['productId=p-0001&limit=51', 'limit'],
    ] as const) {
      const { status, json } = await get(`${demo.urls.recommendations}/recommendations?${query}`);
      expect([query, status, json.error, json.field]).toEqual([query, 400, 'INVALID_INPUT', field]);
    }
  });
});
