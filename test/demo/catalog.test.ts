/**
 * The catalog service over real HTTP: single and batch reads, the 100 cap,
 * listings, cursor walks, search, categories, 404s and cache headers.
 */
import { startDemoServices, type DemoServices } from '../../src/demo/index';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

async function get(url: string): Promise<{ status: number; headers: Headers; json: Json }> {
  const res = await fetch(url);
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: JSON.parse(text) as Json };
}

let demo: DemoServices;
let catalog: string;
beforeAll(async () => {
  demo = await startDemoServices();
  catalog = demo.urls.catalog;
});
afterAll(() => demo.close());

const ids = (items: Json[]): string[] => items.map((p: { id: string }) => p.id);

describe('GET /products/{id}', () => {
  it('returns the product with its cache header', async () => {
    const { status, headers, json } = await get(`${catalog}/products/p-0001`);
    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/^application\/json/);
    expect(headers.get('cache-control')).toBe('max-age=60');
    expect(json).toEqual(demo.data.productsById.get('p-0001'));
  });

  it.each(['p-9999', 'abc', 'p-12', 'P-0001'])('404s for %s with an error body', async (id) => {
    const { status, json } = await get(`${catalog}/products/${id}`);
    expect(status).toBe(404);
    expect(json).toEqual({ error: 'NOT_FOUND', message: expect.any(String) });
  });
});

describe('GET /products?ids=', () => {
  it('returns known products in request order, leaving out unknown and malformed ids', async () => {
    const { status, json } = await get(`${catalog}/products?ids=p-0003,p-9999,nope,p-0001,,p-0003`);
    expect(status).toBe(200);
    expect(ids(json.items)).toEqual(['p-0003', 'p-0001']);
    expect(json.nextCursor).toBeNull();
    expect(json.items[0]).toEqual(demo.data.productsById.get('p-0003'));
  });

  it('accepts 100 ids and rejects 101', async () => {
    const hundred = demo.data.products.slice(0, 100).map((p) => p.id);
    const ok = await get(`${catalog}/products?ids=${hundred.join(',')}`);
    expect(ok.status).toBe(200);
    expect(ids(ok.json.items)).toEqual(hundred);
    const tooMany = await get(`${catalog}/products?ids=${[...hundred, 'p-0101'].join(',')}`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.json).toMatchObject({ error: 'INVALID_INPUT', field: 'ids' });
  });

  it('ignores listing filters when ids are given', async () => {
    const { json } = await get(`${catalog}/products?ids=p-0002&categoryId=c-999&q=zzz&limit=1`);
    expect(ids(json.items)).toEqual(['p-0002']);
  });
});

describe('GET /products (listing)', () => {
  it('lists newest first, 20 by default', async () => {
    const { status, json } = await get(`${catalog}/products`);
    expect(status).toBe(200);
    expect(ids(json.items)).toEqual(demo.data.productsNewestFirst.slice(0, 20).map((p) => p.id));
    expect(typeof json.nextCursor).toBe('string');
  });

  it('walks a whole category (descendants included) exactly once with cursors', async () => {
    const expected = (demo.data.productsByCategory.get('c-001') ?? []).map((p) => p.id);
    expect(expected.length).toBeGreaterThan(100);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `${catalog}/products?categoryId=c-001&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const { status, json } = await get(url);
      expect(status).toBe(200);
      seen.push(...ids(json.items));
      cursor = json.nextCursor;
      pages++;
    } while (cursor !== null && pages < 50);
    expect(seen).toEqual(expected);
    expect(new Set(seen).size).toBe(seen.length);
    expect(pages).toBe(Math.ceil(expected.length / 100));
    const categories = new Set(seen.map((id) => demo.data.productsById.get(id)?.categoryId));
    expect([...categories].sort()).toEqual(['c-002', 'c-003', 'c-004', 'c-005']);
  });

  it('searches name or brand case-insensitively, and combines with a category', async () => {
    const { json } = await get(`${catalog}/products?q=LAMP&limit=100`);
    expect(json.items.length).toBe(100);
    for (const p of json.items) expect(`${p.name} ${p.brand}`.toLowerCase()).toContain('lamp');
    expect(ids(json.items)).toEqual(demo.data.listProducts({ q: 'lamp' }).slice(0, 100).map((p) => p.id));

    const inCategory = await get(`${catalog}/products?q=lamp&categoryId=c-003&limit=100`);
    expect(inCategory.json.items.length).toBeGreaterThan(0);
    for (const p of inCategory.json.items) expect(p.categoryId).toBe('c-003');

    const brand = demo.data.products[0]?.brand as string;
    const byBrand = await get(`${catalog}/products?q=${encodeURIComponent(brand.toUpperCase())}`);
    expect(byBrand.json.items.length).toBeGreaterThan(0);
    for (const p of byBrand.json.items) expect(`${p.name} ${p.brand}`.toLowerCase()).toContain(brand.toLowerCase());
  });

  it('returns an empty last page for no matches or an unknown category', async () => {
    expect((await get(`${catalog}/products?q=xyzzy`)).json).toEqual({ items: [], nextCursor: null });
    expect((await get(`${catalog}/products?categoryId=c-999`)).json).toEqual({ items: [], nextCursor: null });
  });

  it.each([
    ['limit 0', 'limit=0', 'limit'],
    ['limit 101', 'limit=101', 'limit'],
    ['a limit that is not a number', 'limit=ten', 'limit'],
    ['a cursor it did not issue', 'cursor=not-a-cursor', 'cursor'],
    ['a cursor that is not base64url', 'cursor=%2F%2F%2F', 'cursor'],
    ['a q of 201 characters', `q=${'a'.repeat(201)}`, 'q'],
  ])('rejects %s with 400', async (_label, query, field) => {
    const { status, json } = await get(`${catalog}/products?${query}`);
    expect(status).toBe(400);
    expect(json).toMatchObject({ error: 'INVALID_INPUT', field, message: expect.any(String) });
  });

  it('accepts limit 1 and 100 and a q of 200 characters', async () => {
    expect((await get(`${catalog}/products?limit=1`)).json.items).toHaveLength(1);
    expect((await get(`${catalog}/products?limit=100`)).json.items).toHaveLength(100);
    expect((await get(`${catalog}/products?q=${'a'.repeat(200)}`)).status).toBe(200);
  });
});

describe('GET /categories', () => {
  it('returns the whole tree with a long cache header', async () => {
    const { status, headers, json } = await get(`${catalog}/categories`);
    expect(status).toBe(200);
    expect(headers.get('cache-control')).toBe('max-age=300');
    expect(json.items).toEqual(demo.data.categories);
    expect(json.items[0]).toEqual({ id: 'c-001', slug: 'lighting', name: 'Lighting', parentId: null });
  });
});

describe('unknown routes', () => {
  it.each([
    ['GET', '/nope'],
    ['POST', '/products'],
    ['GET', '/stock?skus=SKU-000001'], // an inventory route, not a catalog one
  ])('%s %s is a 404 with an error body', async (method, path) => {
    const res = await fetch(`${catalog}${path}`, { method });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'NOT_FOUND', message: expect.any(String) });
  });
});
