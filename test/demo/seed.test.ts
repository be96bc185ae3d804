/**
 * The demo data set: determinism, the documented guarantees, and that each
 * instance's live part is independent. No HTTP here. Checks over thousands
 * of entities collect violations and compare once (expect() per item is slow).
 */
import { PRODUCT_ID_PATTERN, USER_ID_PATTERN } from '../../src/contract/ids';
import { DEMO_SEED, buildDemoData, type DemoData } from '../../src/demo/index';
import { createRandom, mulberry32 } from '../../src/demo/random';
import { isoTimestamp } from '../../src/demo/seed';

/** Everything observable about a data set, as one string. */
function digest(data: DemoData): string {
  return JSON.stringify({
    products: data.products,
    newest: data.productsNewestFirst.map((p) => p.id),
    categories: data.categories,
    byCategory: [...data.productsByCategory].map(([id, list]) => [id, list.map((p) => p.id)]),
    stock: [...data.stockBySku.values()],
    reviews: [...data.reviewsByProduct],
    ratings: [...data.ratingsByProduct.values()],
    users: data.users,
    orders: [...data.ordersByUser],
    recommendations: [...data.recommendationsByProduct],
  });
}

describe('random', () => {
  it('is deterministic per seed', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('int() stays within bounds and shuffled() permutes', () => {
    const rnd = createRandom(7);
    const draws = Array.from({ length: 1000 }, () => rnd.int(3, 5));
    expect(new Set(draws)).toEqual(new Set([3, 4, 5]));
    const items = [1, 2, 3, 4, 5, 6, 7, 8];
    expect(rnd.shuffled(items).sort()).toEqual(items);
  });

  it('formats timestamps exactly like Date#toISOString', () => {
    const rnd = createRandom(1);
    const samples = Array.from({ length: 2000 }, () => rnd.int(0, 4_102_444_800_000));
    samples.push(Date.UTC(2024, 1, 29, 23, 59, 59, 999), Date.UTC(2100, 2, 1), 0);
    expect(samples.filter((ms) => isoTimestamp(ms) !== new Date(ms).toISOString())).toEqual([]);
  });
});

describe('demo data', () => {
  const data = buildDemoData();

  it('is the same on every build (fresh builds, no shared state)', () => {
    const first = digest(buildDemoData(DEMO_SEED, { reuse: false }));
    expect(digest(buildDemoData(DEMO_SEED, { reuse: false }))).toBe(first);
    expect(digest(data)).toBe(first);
  });

  it('gives every instance its own live state', () => {
    const a = buildDemoData();
    const b = buildDemoData();
    (a.stockBySku.get('SKU-000002') as { available: number }).available -= 5;
    a.reviewsByProduct.get('p-0001')?.pop();
    a.ordersByUser.get('u-0001')?.pop();
    expect(b.stockBySku.get('SKU-000002')?.available).toBe(100_000);
    expect(b.reviewsByProduct.get('p-0001')).toHaveLength(26);
    expect(b.ordersByUser.get('u-0001')).toHaveLength(15);
    expect(a.products).toBe(b.products); // the immutable part is shared…
    expect(Object.isFrozen(a.products[0])).toBe(true); // …because it is frozen
  });

  it('has the documented products', () => {
    expect(data.products.length).toBeGreaterThanOrEqual(5000);
    const problems = data.products.flatMap((p, i) => {
      const n = String(i + 1);
      const wrong: string[] = [];
      if (p.id !== `p-${n.padStart(4, '0')}` || !PRODUCT_ID_PATTERN.test(p.id)) wrong.push('id');
      if (p.sku !== `SKU-${n.padStart(6, '0')}`) wrong.push('sku');
      if (p.images.length < 1 || p.images.length > 4) wrong.push('image count');
      if (p.images[0]?.url !== `https://images.storefront.example/${p.id}/1.jpg`) wrong.push('image url');
      if (!(p.priceCents > 0 && Number.isInteger(p.priceCents))) wrong.push('price');
      if (p.currency !== ((i + 1) % 50 === 0 ? 'GBP' : 'EUR')) wrong.push('currency');
      if (!data.categoriesById.get(p.categoryId)?.parentId) wrong.push('not in a leaf category');
      if (p.name.trim() === '' || p.brand.trim() === '') wrong.push('name/brand');
      return wrong.map((w) => `${p.id}: ${w}`);
    });
    expect(problems).toEqual([]);
    const lengths = data.products.map((p) => p.description.length);
    expect(Math.min(...lengths)).toBeGreaterThan(200);
    expect(Math.max(...lengths)).toBeGreaterThan(1500);
    expect(data.products[0]?.description).toMatch(/^## .+\n[\s\S]*\n- \*\*/);
    expect(new Set(data.products.map((p) => p.createdAt)).size).toBe(data.products.length);
    const newest = data.productsNewestFirst.map((p) => p.createdAt);
    expect(newest).toEqual([...newest].sort().reverse());
    expect((newest[0] as string) < '2026-11-01').toBe(true);
  });

  it('has the documented special products', () => {
    const p1 = data.productsById.get('p-0001');
    expect(p1).toMatchObject({ name: 'Brass Desk Lamp', categoryId: 'c-002' });
    expect(p1?.images).toHaveLength(4);
    expect(data.ratingsByProduct.get('p-0001')?.count).toBe(26);
    expect(data.stockBySku.get('SKU-000001')?.available).toBe(120);
    for (const sku of ['SKU-000002', 'SKU-000003', 'SKU-000004']) expect(data.stockBySku.get(sku)?.available).toBeGreaterThanOrEqual(50);
    expect(data.stockBySku.get('SKU-000005')).toMatchObject({ available: 0, restockDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    expect(data.stockBySku.get('SKU-000006')).toEqual({ sku: 'SKU-000006', available: 0, restockDate: null });
    expect(data.ratingsByProduct.get('p-0007')).toEqual({ productId: 'p-0007', average: null, count: 0 });
    const stock = [...data.stockBySku.values()];
    expect(stock.filter((s) => s.available === 0 && s.restockDate !== null).length).toBeGreaterThan(10);
    expect(stock.filter((s) => s.available === 0 && s.restockDate === null).length).toBeGreaterThan(10);
    expect(stock.filter((s) => s.available > 0 && s.restockDate !== null)).toEqual([]);
    expect([...data.ratingsByProduct.values()].filter((r) => r.count === 0).length).toBeGreaterThan(10);
  });

  it('has a category tree of 8 roots with 4 children each', () => {
    expect(data.categories).toHaveLength(40);
    const roots = data.categories.filter((c) => c.parentId === null);
    expect(roots.map((c) => c.id)).toEqual(['c-001', 'c-006', 'c-011', 'c-016', 'c-021', 'c-026', 'c-031', 'c-036']);
    for (const root of roots) expect(data.categories.filter((c) => c.parentId === root.id)).toHaveLength(4);
    expect(new Set(data.categories.map((c) => c.slug)).size).toBe(40);
    const c001 = data.productsByCategory.get('c-001') ?? [];
    const children = ['c-002', 'c-003', 'c-004', 'c-005'];
    expect(c001.length).toBe(children.reduce((n, id) => n + (data.productsByCategory.get(id)?.length ?? 0), 0));
    expect(c001.every((p) => children.includes(p.categoryId))).toBe(true);
  });

  it('finds lamps by name or brand, case-insensitively', () => {
    const lamps = data.listProducts({ q: 'lamp' });
    expect(lamps.length).toBeGreaterThanOrEqual(40);
    expect(data.listProducts({ q: '  LaMp ' })).toEqual(lamps);
    const expected = data.productsNewestFirst.filter((p) => p.name.toLowerCase().includes('lamp') || p.brand.toLowerCase().includes('lamp'));
    expect(lamps.map((p) => p.id)).toEqual(expected.map((p) => p.id));
    expect(data.listProducts({ q: 'nordvik' }).length).toBeGreaterThan(0);
    expect(data.listProducts({ categoryId: 'c-999' })).toEqual([]);
  });

  it('has users, reviews, ratings, orders and recommendations that hang together', () => {
    expect(data.users).toHaveLength(1000);
    expect(data.users[999]?.id).toBe('u-1000');
    expect(new Set(data.users.map((u) => u.email)).size).toBe(1000);
    const badUsers = data.users.filter(
      (u) => !USER_ID_PATTERN.test(u.id) || !/^[a-z]+\.[a-z]+[0-9]*@example\.com$/.test(u.email) || !/^\d{4}-\d{2}-\d{2}$/.test(u.memberSince),
    );
    expect(badUsers).toEqual([]);

    const reviewProblems: string[] = [];
    for (const [productId, list] of data.reviewsByProduct) {
      if (new Set(list.map((r) => r.authorId)).size !== list.length) reviewProblems.push(`${productId}: duplicate author`);
      if (list.some((r) => r.productId !== productId || !data.usersById.has(r.authorId))) reviewProblems.push(`${productId}: bad review`);
      const sum = list.reduce((s, r) => s + r.rating, 0);
      const rating = data.ratingsByProduct.get(productId);
      const average = list.length ? Math.round((sum / list.length) * 100) / 100 : null;
      if (rating?.count !== list.length || rating.average !== average) reviewProblems.push(`${productId}: rating`);
      const times = list.map((r) => r.createdAt);
      if (times.join() !== [...times].sort().reverse().join()) reviewProblems.push(`${productId}: order`);
    }
    expect(reviewProblems).toEqual([]);

    expect(data.ordersByUser.get('u-0001')?.length).toBeGreaterThanOrEqual(12);
    expect(data.ordersByUser.get('u-0002')?.length).toBeGreaterThanOrEqual(1);
    expect(data.ordersByUser.get('u-0003')).toEqual([]);
    expect([...data.ordersByUser.values()].filter((l) => l.length === 0).length).toBeGreaterThan(100);
    const orders = [...data.ordersById.values()];
    expect(orders.length).toBeGreaterThan(1000);
    const badOrders = orders.filter(
      (o) =>
        o.lines.length < 1 ||
        o.lines.length > 4 ||
        !['PLACED', 'SHIPPED', 'DELIVERED', 'CANCELLED'].includes(o.status) ||
        o.totalCents !== o.lines.reduce((s, l) => s + l.quantity * l.unitPriceCents, 0) ||
        o.lines.some((l) => data.productsById.get(l.productId)?.sku !== l.sku) ||
        !data.ordersByUser.get(o.userId)?.includes(o),
    );
    expect(badOrders).toEqual([]);
    const placed = (data.ordersByUser.get('u-0001') ?? []).map((o) => o.placedAt);
    expect(placed).toEqual([...placed].sort().reverse());

    const badRecommendations = [...data.recommendationsByProduct].filter(
      ([productId, related]) =>
        related.length < 8 ||
        related.includes(productId) ||
        new Set(related).size !== related.length ||
        related.some((id) => !data.productsById.has(id)),
    );
    expect(badRecommendations).toEqual([]);
  });
});
