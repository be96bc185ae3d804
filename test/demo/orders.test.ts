/**
 * The orders service over real HTTP: reading one's own orders (401/403,
 * cursors) and placing orders (stock reservation all or nothing, input
 * validation, idempotency).
 */
import { startDemoServices, type DemoServices } from '../../src/demo/index';
import { call, type Json } from './http';

let demo: DemoServices;
let orders: string;
beforeAll(async () => {
  demo = await startDemoServices();
  orders = demo.urls.orders;
});
afterAll(() => demo.close());

const stockOf = (sku: string): number | undefined => demo.data.stockBySku.get(sku)?.available;
const place = (body: unknown, headers: Record<string, string> = { 'x-user-id': 'u-0002' }) =>
  call(`${orders}/orders`, { method: 'POST', headers, body });

describe('GET /users/{userId}/orders', () => {
  it('pages through the user\u2019s own orders newest first, privately', async () => {
    const expected = (demo.data.ordersByUser.get('u-0001') ?? []).map((o) => o.id);
    expect(expected.length).toBeGreaterThanOrEqual(12);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Json = await call(`${orders}/users/u-0001/orders?limit=5${cursor ? `&cursor=${cursor}` : ''}`, { headers: { 'x-user-id': 'u-0001' } });
      expect(page.status).toBe(200);
      expect(page.headers.get('cache-control')).toBe('private, no-store');
      seen.push(...page.json.items.map((o: { id: string }) => o.id));
      cursor = page.json.nextCursor;
    } while (cursor);
    expect(seen).toEqual(expected);
    const placedAt = seen.map((id) => demo.data.ordersById.get(id)?.placedAt as string);
    expect(placedAt).toEqual([...placedAt].sort().reverse());
  });

  it('is empty for a user without orders', async () => {
    const { json } = await call(`${orders}/users/u-0003/orders`, { headers: { 'x-user-id': 'u-0003' } });
    expect(json).toEqual({ items: [], nextCursor: null });
  });

  it('401s without x-user-id and 403s for someone else\u2019s orders', async () => {
    const anonymous = await call(`${orders}/users/u-0001/orders`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.json).toEqual({ error: 'UNAUTHORIZED', message: expect.any(String) });
    expect(anonymous.headers.get('cache-control')).toBe('private, no-store');
    const other = await call(`${orders}/users/u-0001/orders`, { headers: { 'x-user-id': 'u-0002' } });
    expect(other.status).toBe(403);
    expect(other.json).toEqual({ error: 'FORBIDDEN', message: expect.any(String) });
  });
});

describe('POST /orders', () => {
  it('places an order, reserves stock, and lists it first', async () => {
    const p2 = demo.data.productsById.get('p-0002');
    const p3 = demo.data.productsById.get('p-0003');
    if (!p2 || !p3) throw new Error('seed guarantees p-0002 and p-0003');
    const before2 = stockOf(p2.sku) as number;
    const before3 = stockOf(p3.sku) as number;

    const res = await place({ lines: [{ productId: 'p-0002', quantity: 2 }, { productId: 'p-0003', quantity: 1 }] });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(res.json).toEqual({
      id: expect.stringMatching(/^o-\d{6,}$/),
      userId: 'u-0002',
      status: 'PLACED',
      lines: [
        { productId: 'p-0002', sku: p2.sku, quantity: 2, unitPriceCents: p2.priceCents },
        { productId: 'p-0003', sku: p3.sku, quantity: 1, unitPriceCents: p3.priceCents },
      ],
      totalCents: 2 * p2.priceCents + p3.priceCents,
      currency: 'EUR',
      placedAt: expect.any(String),
    });
    expect(stockOf(p2.sku)).toBe(before2 - 2);
    expect(stockOf(p3.sku)).toBe(before3 - 1);

    const stock = await call(`${demo.urls.inventory}/stock?skus=${p2.sku}`);
    expect(stock.json.items[0].available).toBe(before2 - 2);
    const history = await call(`${orders}/users/u-0002/orders?limit=1`, { headers: { 'x-user-id': 'u-0002' } });
    expect(history.json.items[0]).toEqual(res.json);
  });

  it('reserves nothing when any line is out of stock (409)', async () => {
    const before2 = stockOf('SKU-000002');
    const res = await place({ lines: [{ productId: 'p-0002', quantity: 1 }, { productId: 'p-0005', quantity: 1 }] });
    expect(res.status).toBe(409);
    expect(res.json).toEqual({ error: 'OUT_OF_STOCK', message: expect.any(String), sku: 'SKU-000005', available: 0 });
    expect(stockOf('SKU-000002')).toBe(before2);
  });

  it('adds up repeated products before checking stock', async () => {
    const sku = 'SKU-000001';
    const available = stockOf(sku) as number;
    const half = Math.ceil((available + 1) / 2);
    expect(half).toBeLessThanOrEqual(99);
    const res = await place({ lines: [{ productId: 'p-0001', quantity: half }, { productId: 'p-0001', quantity: half }] });
    expect(res.status).toBe(409);
    expect(res.json).toMatchObject({ error: 'OUT_OF_STOCK', sku, available });
    expect(stockOf(sku)).toBe(available);

    const exact = await place({ lines: [{ productId: 'p-0001', quantity: 1 }] });
    expect(exact.status).toBe(201);
    expect(stockOf(sku)).toBe(available - 1);
  });

  it.each([
    ['no lines', {}, 'lines'],
    ['empty lines', { lines: [] }, 'lines'],
    ['51 lines', { lines: Array.from({ length: 51 }, () => ({ productId: 'p-0002', quantity: 1 })) }, 'lines'],
    ['a line that is not an object', { lines: ['p-0002'] }, 'lines[0]'],
    ['a malformed productId', { lines: [{ productId: 'nope', quantity: 1 }] }, 'lines[0].productId'],
    ['an unknown productId', { lines: [{ productId: 'p-0002', quantity: 1 }, { productId: 'p-9999', quantity: 1 }] }, 'lines[1].productId'],
    ['quantity 0', { lines: [{ productId: 'p-0002', quantity: 0 }] }, 'lines[0].quantity'],
    ['quantity 100', { lines: [{ productId: 'p-0002', quantity: 100 }] }, 'lines[0].quantity'],
    ['quantity 1.5', { lines: [{ productId: 'p-0002', quantity: 1 }, { productId: 'p-0003', quantity: 1.5 }] }, 'lines[1].quantity'],
    ['a missing quantity', { lines: [{ productId: 'p-0002' }] }, 'lines[0].quantity'],
  ])('rejects %s with 400 naming the field, reserving nothing', async (_label, body, field) => {
    const before = stockOf('SKU-000002');
    const res = await place(body);
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: 'INVALID_INPUT', message: expect.any(String), field });
    expect(stockOf('SKU-000002')).toBe(before);
  });

  it('rejects malformed JSON with 400 and a missing or malformed x-user-id with 401', async () => {
    const malformed = await place('{"lines": [');
    expect(malformed.status).toBe(400);
    expect(malformed.json.error).toBe('INVALID_INPUT');
    for (const headers of [{}, { 'x-user-id': 'root' }] as Record<string, string>[]) {
      const res = await place({ lines: [{ productId: 'p-0002', quantity: 1 }] }, headers);
      expect(res.status).toBe(401);
      expect(res.json.error).toBe('UNAUTHORIZED');
    }
  });

  it('acts once for a repeated idempotency key and returns the same response', async () => {
    const headers = { 'x-user-id': 'u-0001', 'idempotency-key': 'checkout-7f3a' };
    const before = stockOf('SKU-000004') as number;
    const countBefore = demo.data.ordersByUser.get('u-0001')?.length as number;

    const first = await place({ lines: [{ productId: 'p-0004', quantity: 2 }] }, headers);
    const second = await place({ lines: [{ productId: 'p-0004', quantity: 2 }] }, headers);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.text).toBe(first.text);
    expect(stockOf('SKU-000004')).toBe(before - 2);
    expect(demo.data.ordersByUser.get('u-0001')).toHaveLength(countBefore + 1);

    const otherKey = await place({ lines: [{ productId: 'p-0004', quantity: 2 }] }, { ...headers, 'idempotency-key': 'checkout-other' });
    expect(otherKey.json.id).not.toBe(first.json.id);
    expect(stockOf('SKU-000004')).toBe(before - 4);
  });

  it('replays an error result for a repeated key too', async () => {
    const headers = { 'x-user-id': 'u-0005', 'idempotency-key': 'oos-1' };
    const first = await place({ lines: [{ productId: 'p-0006', quantity: 1 }] }, headers);
    expect(first.status).toBe(409);
    const level = demo.data.stockBySku.get('SKU-000006');
    if (!level) throw new Error('seed guarantees SKU-000006');
    level.available = 10; // restocked meanwhile: the key still returns the first result
    const retry = await place({ lines: [{ productId: 'p-0006', quantity: 1 }] }, headers);
    expect(retry.status).toBe(409);
    expect(retry.text).toBe(first.text);
    expect(level.available).toBe(10);
  });
});
