/**
 * No N+1 anywhere: each contract operation, run once against the demo
 * services, makes exactly the minimum downstream calls, route by route. The
 * demo services record every request they receive; the gateway's own count
 * (its log line) must agree.
 *
 * The minimum for each operation, and why:
 * - WebProductPage (8): the product; its reviews page; its recommendations;
 *   the category tree; then stock for its SKU, the reviewers in one batch, the
 *   recommended products in one batch, and ONE ratings batch for the product
 *   and its recommendations together (the batch scheduler holds the product's
 *   own rating until the recommendations are known).
 * - WebCategoryListing (4): the listing page, one stock batch, one ratings
 *   batch for its 24 products, the category tree.
 * - WebAccountOrders (3): the user, the orders page, one products batch for
 *   every line of every order.
 * - WebPlaceOrder (3): the order, one products batch, one stock batch.
 * - WebSubmitReview (3): the review, its author, the product's new rating.
 * - MobileHome (4 anonymous, 5 signed in): the newest products, the category
 *   tree, one stock batch, one ratings batch (+ the orders page).
 * - MobileProduct (5): the product, its rating, its top reviews, its stock,
 *   their authors.
 * - MobileSearch (3): the listing, one stock batch, one ratings batch.
 * - MobilePlaceOrder (1): the order; nothing else is asked.
 */
import { Writable } from 'node:stream';
import { createLogger } from '../src/logging/logger';
import { developmentToken } from '../src/context/developmentToken';
import { contractOperations, operation } from './helpers/contract';
import { waitFor } from './helpers/redis';
import { startStack, TEST_JWT_SECRET, type Stack } from './helpers/stack';

const logLines: Record<string, any>[] = [];
const logger = createLogger(
  'info',
  new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) logLines.push(JSON.parse(line));
      done();
    },
  }),
);

let stack: Stack;
let signedIn: Record<string, string>;
beforeAll(async () => {
  stack = await startStack({ logger });
  signedIn = { authorization: `Bearer ${await developmentToken('u-0001', TEST_JWT_SECRET)}` };
});
afterAll(() => stack.close());

/** Runs an operation once and returns its downstream calls as `route: count`. */
async function callsOf(name: string, options: { signedIn?: boolean; variables?: Record<string, unknown> } = {}) {
  const op = operation(name);
  // Cold: these are the counts with nothing cached (the warm counts are in cache.test.ts).
  stack.gateway.clearLocalCaches();
  stack.demo.resetRequests();
  const requestId = `calls-${name}-${Math.random().toString(36).slice(2)}`;
  const result = await stack.graphql(op.frontend, op.document, options.variables ?? op.variables, {
    ...(options.signedIn ? signedIn : {}),
    'x-request-id': requestId,
  });
  expect(result.body.errors).toBeUndefined();
  const counts: Record<string, number> = {};
  for (const request of stack.demo.requests()) counts[request.route] = (counts[request.route] ?? 0) + 1;
  const total = stack.demo.requests().length;
  // Request lines are written once per turn of the event loop (http/requestLog.ts): after the response.
  await waitFor(() => logLines.some((l) => l.requestId === requestId), 'the request line');
  const line = logLines.find((l) => l.requestId === requestId);
  expect(line?.downstreamCalls).toBe(total);
  return { counts, total, data: result.body.data as Record<string, any> };
}

describe('downstream calls per contract operation', () => {
  it('WebProductPage: 8', async () => {
    const { counts, total } = await callsOf('WebProductPage');
    expect(counts).toEqual({
      'GET /products': 2,
      'GET /products/{productId}/reviews': 1,
      'GET /recommendations': 1,
      'GET /categories': 1,
      'GET /stock': 1,
      'GET /users': 1,
      'GET /ratings': 1,
    });
    expect(total).toBe(8);
  });

  it('WebCategoryListing with 24 products: 4', async () => {
    const { counts, data } = await callsOf('WebCategoryListing');
    expect(data.products.edges).toHaveLength(24);
    expect(counts).toEqual({ 'GET /products': 1, 'GET /stock': 1, 'GET /ratings': 1, 'GET /categories': 1 });
  });

  it('WebCategoryListing with 100 products: still 4', async () => {
    const { counts, data } = await callsOf('WebCategoryListing', { variables: { categoryId: 'c-001', first: 100 } });
    expect(data.products.edges).toHaveLength(100);
    expect(counts).toEqual({ 'GET /products': 1, 'GET /stock': 1, 'GET /ratings': 1, 'GET /categories': 1 });
  });

  it('WebAccountOrders: 3', async () => {
    const { counts, data } = await callsOf('WebAccountOrders', { signedIn: true });
    expect(data.me.orders.edges).toHaveLength(10);
    expect(counts).toEqual({ 'GET /users': 1, 'GET /users/{userId}/orders': 1, 'GET /products': 1 });
  });

  it('WebAccountOrders anonymous: 0', async () => {
    const { total } = await callsOf('WebAccountOrders');
    expect(total).toBe(0);
  });

  it('WebPlaceOrder: 3', async () => {
    const { counts } = await callsOf('WebPlaceOrder', { signedIn: true });
    expect(counts).toEqual({ 'POST /orders': 1, 'GET /products': 1, 'GET /stock': 1 });
  });

  it('WebSubmitReview: 3', async () => {
    const { counts } = await callsOf('WebSubmitReview', { signedIn: true });
    expect(counts).toEqual({ 'POST /reviews': 1, 'GET /users': 1, 'GET /ratings': 1 });
  });

  it('MobileHome anonymous: 4', async () => {
    const { counts } = await callsOf('MobileHome');
    expect(counts).toEqual({ 'GET /products': 1, 'GET /categories': 1, 'GET /stock': 1, 'GET /ratings': 1 });
  });

  it('MobileHome signed in: 5', async () => {
    const { counts } = await callsOf('MobileHome', { signedIn: true });
    expect(counts).toEqual({ 'GET /products': 1, 'GET /categories': 1, 'GET /stock': 1, 'GET /ratings': 1, 'GET /users/{userId}/orders': 1 });
  });

  it('MobileProduct: 5', async () => {
    const { counts } = await callsOf('MobileProduct');
    expect(counts).toEqual({
      'GET /products': 1,
      'GET /ratings': 1,
      'GET /products/{productId}/reviews': 1,
      'GET /stock': 1,
      'GET /users': 1,
    });
  });

  it('MobileSearch: 3', async () => {
    const { counts } = await callsOf('MobileSearch');
    expect(counts).toEqual({ 'GET /products': 1, 'GET /stock': 1, 'GET /ratings': 1 });
  });

  it('MobilePlaceOrder: 1', async () => {
    const { counts } = await callsOf('MobilePlaceOrder', { signedIn: true });
    expect(counts).toEqual({ 'POST /orders': 1 });
  });
});

describe('batches are chunked at 100 ids', () => {
  it('200 products in one request read stock and ratings in two batches of 100 each', async () => {
    stack.gateway.clearLocalCaches();
    stack.demo.resetRequests();
    const page = (category: string) =>
      `products(categoryId: "${category}", first: 100) { edges { node { id availability { inStock } rating { count } } } }`;
    const result = await stack.graphql('web', `{ a: ${page('c-001')} b: ${page('c-006')} }`);
    expect(result.body.errors).toBeUndefined();
    const sizes = (route: string, param: string) =>
      stack.demo
        .requests()
        .filter((r) => r.route === route)
        .map((r) => r.query[param]!.split(',').length);
    expect(sizes('GET /stock', 'skus')).toEqual([100, 100]);
    expect(sizes('GET /ratings', 'productIds')).toEqual([100, 100]);
    expect(stack.demo.requests()).toHaveLength(6);
  });
});

describe('every contract operation has its count here', () => {
  it.each(contractOperations.map((o) => o.name))('%s', (name) => {
    const source = require('node:fs').readFileSync(__filename, 'utf8') as string;
    expect(source).toContain(`callsOf('${name}'`);
  });
});
