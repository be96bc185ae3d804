/**
 * Every read operation of the contract, sent over HTTP to the gateway exactly
 * as the apps send it, and checked field by field against the demo services'
 * data. (The writes are in mutations.test.ts.)
 */
import { developmentToken } from '../src/context/developmentToken';
import { operation } from './helpers/contract';
import { startStack, TEST_JWT_SECRET, type Stack } from './helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

const usd = (cents: number, currency: string, locale = 'en-US') =>
  new Intl.NumberFormat(locale, { style: 'currency', currency }).format(cents / 100);

async function run(name: string, variables?: Record<string, unknown>, headers?: Record<string, string>) {
  const op = operation(name);
  const result = await stack.graphql(op.frontend, op.document, variables ?? op.variables, headers);
  expect(result.body.errors).toBeUndefined();
  expect(result.status).toBe(200);
  return result.body.data as Record<string, any>;
}

async function bearer(userId: string) {
  return { authorization: `Bearer ${await developmentToken(userId, TEST_JWT_SECRET)}` };
}

describe('WebProductPage', () => {
  it('returns the product with its category, stock, rating, first reviews and recommendations', async () => {
    const { data } = stack.demo;
    const p = data.productsById.get('p-0001')!;
    const { product } = await run('WebProductPage');

    expect(product).toMatchObject({
      id: 'p-0001',
      name: p.name,
      brand: p.brand,
      description: p.description,
      price: { amount: p.priceCents / 100, currency: p.currency, formatted: usd(p.priceCents, p.currency) },
    });
    expect(product.images).toEqual(p.images.map(({ url, width, height, alt }) => ({ url, width, height, alt })));

    const category = data.categoriesById.get(p.categoryId)!;
    const parent = data.categoriesById.get(category.parentId!)!;
    expect(product.category).toEqual({
      id: category.id,
      name: category.name,
      breadcrumb: [parent, category].map(({ id, name, slug }) => ({ id, name, slug })),
    });

    const stock = data.stockBySku.get(p.sku)!;
    expect(product.availability).toEqual({ inStock: stock.available > 0, quantity: stock.available, restockDate: stock.restockDate });
    const rating = data.ratingsByProduct.get('p-0001')!;
    expect(product.rating).toEqual({ average: rating.average, count: rating.count });

    const reviews = data.reviewsByProduct.get('p-0001')!;
    expect(product.reviews.totalCount).toBe(reviews.length);
    expect(product.reviews.edges.map((e: any) => e.node.id)).toEqual(reviews.slice(0, 10).map((r) => r.id));
    const first = reviews[0]!;
    const author = data.usersById.get(first.authorId)!;
    expect(product.reviews.edges[0].node).toEqual({
      id: first.id,
      rating: first.rating,
      title: first.title,
      body: first.body,
      createdAt: first.createdAt,
      author: { id: author.id, displayName: author.displayName, avatarUrl: author.avatarUrl },
    });
    expect(product.reviews.pageInfo).toEqual({ hasNextPage: true, endCursor: product.reviews.edges[9].cursor });

    const related = data.recommendationsByProduct.get('p-0001')!.slice(0, 8);
    expect(product.recommendations.map((r: any) => r.id)).toEqual(related);
    const rec = data.productsById.get(related[0]!)!;
    const image = rec.images[0]!;
    expect(product.recommendations[0]).toEqual({
      id: rec.id,
      name: rec.name,
      price: { formatted: usd(rec.priceCents, rec.currency) },
      image: { url: `${image.url}?w=320`, width: 320, height: Math.round((image.height * 320) / image.width) },
      rating: { average: data.ratingsByProduct.get(rec.id)!.average },
    });
  });

  it('pages through every review exactly once with reviewsAfter', async () => {
    const all = stack.demo.data.reviewsByProduct.get('p-0001')!.map((r) => r.id);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const { product } = await run('WebProductPage', { id: 'p-0001', reviewsFirst: 10, reviewsAfter: after });
      seen.push(...product.reviews.edges.map((e: any) => e.node.id));
      if (!product.reviews.pageInfo.hasNextPage) break;
      after = product.reviews.pageInfo.endCursor;
    }
    expect(seen).toEqual(all);
  });

  it('resumes from a cursor in the middle of a page', async () => {
    const all = stack.demo.data.reviewsByProduct.get('p-0001')!.map((r) => r.id);
    const { product: first } = await run('WebProductPage', { id: 'p-0001', reviewsFirst: 10 });
    const middle = first.reviews.edges[3].cursor;
    const { product } = await run('WebProductPage', { id: 'p-0001', reviewsFirst: 5, reviewsAfter: middle });
    expect(product.reviews.edges.map((e: any) => e.node.id)).toEqual(all.slice(4, 9));
  });

  it('gives null for an unknown product and a clear error for a malformed id', async () => {
    expect((await run('WebProductPage', { id: 'p-999999' })).product).toBeNull();
    const op = operation('WebProductPage');
    const { body } = await stack.graphql('web', op.document, { id: '../admin' });
    expect(body.data).toEqual({ product: null });
    expect(body.errors?.[0]).toMatchObject({
      message: '`id` must be a product id like p-0001; received "../admin".',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  it('formats money for the Accept-Language of the request', async () => {
    const p = stack.demo.data.productsById.get('p-0001')!;
    const { product } = await run('WebProductPage', undefined, { 'accept-language': 'de-DE,de;q=0.9,en;q=0.5' });
    expect(product.price.formatted).toBe(usd(p.priceCents, p.currency, 'de-DE'));
    expect(product.price.formatted).not.toBe(usd(p.priceCents, p.currency, 'en-US'));
  });
});

describe('WebCategoryListing', () => {
  const node = (id: string) => {
    const { data } = stack.demo;
    const p = data.productsById.get(id)!;
    const image = p.images[0]!;
    const rating = data.ratingsByProduct.get(id)!;
    return {
      id,
      name: p.name,
      brand: p.brand,
      price: { amount: p.priceCents / 100, currency: p.currency, formatted: usd(p.priceCents, p.currency) },
      image: { url: `${image.url}?w=640`, width: 640, height: Math.round((image.height * 640) / image.width), alt: image.alt },
      rating: { average: rating.average, count: rating.count },
      availability: { inStock: data.stockBySku.get(p.sku)!.available > 0 },
    };
  };

  it("lists a category's products (subcategories included) newest first, with the category menu", async () => {
    const expected = stack.demo.data.listProducts({ categoryId: 'c-001' }).slice(0, 24).map((p) => p.id);
    const { products, categories } = await run('WebCategoryListing');
    expect(products.edges.map((e: any) => e.node)).toEqual(expected.map(node));
    expect(products.pageInfo).toEqual({ hasNextPage: true, endCursor: products.edges[23].cursor });
    expect(categories).toEqual(
      stack.demo.data.categories.map((c) => ({ id: c.id, name: c.name, slug: c.slug, parent: c.parentId ? { id: c.parentId } : null })),
    );
  });

  it('walks a whole category, every product exactly once', async () => {
    const all = stack.demo.data.listProducts({ categoryId: 'c-007' }).map((p) => p.id);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 50; page++) {
      const { products } = await run('WebCategoryListing', { categoryId: 'c-007', first: 100, after });
      seen.push(...products.edges.map((e: any) => e.node.id));
      if (!products.pageInfo.hasNextPage) break;
      after = products.pageInfo.endCursor;
    }
    expect(seen).toEqual(all);
  });

  it('serves a search result page', async () => {
    const expected = stack.demo.data.listProducts({ q: 'lamp' }).slice(0, 24).map((p) => p.id);
    const { products } = await run('WebCategoryListing', { search: 'lamp', first: 24 });
    expect(products.edges.map((e: any) => e.node.id)).toEqual(expected);
  });

  it('caps pages at 100 on web, with a clear error above', async () => {
    const { products } = await run('WebCategoryListing', { categoryId: 'c-001', first: 100 });
    expect(products.edges).toHaveLength(100);
    const op = operation('WebCategoryListing');
    const { body } = await stack.graphql('web', op.document, { categoryId: 'c-001', first: 101 });
    expect(body.errors?.[0]).toMatchObject({
      message: '`first` must be between 0 and 100 on this endpoint; received 101.',
      path: ['products'],
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  it('rejects a cursor it did not issue', async () => {
    const op = operation('WebCategoryListing');
    const { body } = await stack.graphql('web', op.document, { categoryId: 'c-001', after: 'bm90LWEtY3Vyc29y' });
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.message).toMatch(/^`after` must be a cursor this API returned/);
  });
});

describe('WebAccountOrders', () => {
  it("returns the signed-in user's profile and orders, newest first", async () => {
    const { data } = stack.demo;
    const user = data.usersById.get('u-0001')!;
    const orders = data.ordersByUser.get('u-0001')!;
    const { me } = await run('WebAccountOrders', { first: 10 }, await bearer('u-0001'));
    expect(me).toMatchObject({ id: 'u-0001', displayName: user.displayName, email: user.email });
    expect(me.orders.edges).toHaveLength(10);
    const firstOrder = orders[0]!;
    const firstLine = firstOrder.lines[0]!;
    const lineProduct = data.productsById.get(firstLine.productId)!;
    expect(me.orders.edges[0].node).toMatchObject({
      id: firstOrder.id,
      status: firstOrder.status,
      placedAt: firstOrder.placedAt,
      total: { amount: firstOrder.totalCents / 100, currency: firstOrder.currency, formatted: usd(firstOrder.totalCents, firstOrder.currency) },
    });
    expect(me.orders.edges[0].node.lines[0]).toEqual({
      quantity: firstLine.quantity,
      unitPrice: { formatted: usd(firstLine.unitPriceCents, firstOrder.currency) },
      product: { id: lineProduct.id, name: lineProduct.name, image: { url: `${lineProduct.images[0]!.url}?w=160` } },
    });
    expect(me.orders.edges.map((e: any) => e.node.id)).toEqual(orders.slice(0, 10).map((o) => o.id));
    expect(me.orders.pageInfo.hasNextPage).toBe(true);

    const next = await run('WebAccountOrders', { first: 10, after: me.orders.pageInfo.endCursor }, await bearer('u-0001'));
    expect(next.me.orders.edges.map((e: any) => e.node.id)).toEqual(orders.slice(10, 20).map((o) => o.id));
    expect(next.me.orders.pageInfo.hasNextPage).toBe(false);
  });

  it('is null without a token', async () => {
    expect(await run('WebAccountOrders')).toEqual({ me: null });
  });
});

describe('MobileHome', () => {
  it('shows the newest products and the top-level categories, and no orders when anonymous', async () => {
    const { data } = stack.demo;
    const { home } = await run('MobileHome');
    expect(home.featured.map((p: any) => p.id)).toEqual(data.productsNewestFirst.slice(0, 8).map((p) => p.id));
    const p = data.productsById.get(home.featured[0].id)!;
    expect(home.featured[0]).toEqual({
      id: p.id,
      name: p.name,
      price: { formatted: usd(p.priceCents, p.currency) },
      image: { url: `${p.images[0]!.url}?w=160`, width: 160, height: Math.round((p.images[0]!.height * 160) / p.images[0]!.width) },
      rating: { average: data.ratingsByProduct.get(p.id)!.average },
      availability: { inStock: data.stockBySku.get(p.sku)!.available > 0 },
    });
    expect(home.categories).toEqual(data.categories.filter((c) => c.parentId === null).map((c) => ({ id: c.id, name: c.name })));
    expect(home.recentOrders).toEqual([]);
  });

  it("includes the signed-in user's latest orders", async () => {
    const orders = stack.demo.data.ordersByUser.get('u-0002')!;
    const { home } = await run('MobileHome', {}, await bearer('u-0002'));
    expect(home.recentOrders).toEqual(
      orders.slice(0, 3).map((o) => ({ id: o.id, status: o.status, placedAt: o.placedAt, total: { formatted: usd(o.totalCents, o.currency) } })),
    );
  });
});

describe('MobileProduct', () => {
  it('returns the product with a plain-text summary and the top three reviews', async () => {
    const { data } = stack.demo;
    const p = data.productsById.get('p-0001')!;
    const { product } = await run('MobileProduct');
    expect(product).toMatchObject({ id: 'p-0001', name: p.name, brand: p.brand });
    expect(product.summary.length).toBeLessThanOrEqual(200);
    expect(product.summary).not.toMatch(/[#*`]/);
    expect(product.summary.length).toBeGreaterThan(50);
    const image = p.images[0]!;
    expect(product.image).toEqual({ url: `${image.url}?w=1280`, width: 1280, height: Math.round((image.height * 1280) / image.width), alt: image.alt });
    const stock = data.stockBySku.get(p.sku)!;
    expect(product.availability).toEqual({ inStock: stock.available > 0, restockDate: stock.restockDate });
    const reviews = data.reviewsByProduct.get('p-0001')!.slice(0, 3);
    expect(product.topReviews).toEqual(
      reviews.map((r) => ({ id: r.id, rating: r.rating, title: r.title, author: { displayName: data.usersById.get(r.authorId)!.displayName } })),
    );
  });

  it('shows an out-of-stock product with its restock date', async () => {
    const { data } = stack.demo;
    const { product } = await run('MobileProduct', { id: 'p-0005' });
    const stock = data.stockBySku.get(data.productsById.get('p-0005')!.sku)!;
    expect(product.availability).toEqual({ inStock: false, restockDate: stock.restockDate });
    expect(stock.restockDate).not.toBeNull();
  });

  it('shows a product without reviews', async () => {
    const { product } = await run('MobileProduct', { id: 'p-0007' });
    expect(product.rating).toEqual({ average: null, count: 0 });
    expect(product.topReviews).toEqual([]);
  });
});

describe('MobileSearch', () => {
  it('returns the first page of matches', async () => {
    const expected = stack.demo.data.listProducts({ q: 'lamp' }).slice(0, 20).map((p) => p.id);
    const { products } = await run('MobileSearch');
    expect(products.edges.map((e: any) => e.node.id)).toEqual(expected);
    expect(products.pageInfo.hasNextPage).toBe(true);
  });

  it('caps pages at 20 on mobile, with a clear error above', async () => {
    const op = operation('MobileSearch');
    const { body } = await stack.graphql('mobile', op.document, { search: 'lamp', first: 21 });
    expect(body.data).toEqual({ products: null });
    expect(body.errors?.[0]).toMatchObject({
      message: '`first` must be between 0 and 20 on this endpoint; received 21.',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });
});
