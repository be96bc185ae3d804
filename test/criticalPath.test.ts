/**
 * Critical-path execution: each contract query waits only on the dependent
 * downstream levels its data really has (two for every one of them), not one
 * level per depth of the GraphQL document.
 *
 * Every service answers after 300 ms, so the calls of one level arrive within
 * a few milliseconds of each other and the next level only after 300 ms; a
 * gap of 200 ms between arrivals therefore separates levels (a jest worker
 * starved of CPU for a moment does not merge or split them). The test counts
 * levels (structure), not milliseconds.
 *
 * The gateway's own account of each request (`extensions.diagnostics`, whose
 * levels come from which answer each call waited for, not from timing) must
 * name the same levels.
 */
import { developmentToken } from '../src/context/developmentToken';
import { operation } from './helpers/contract';
import { startStack, TEST_JWT_SECRET, type Stack } from './helpers/stack';

const LATENCY_MS = 300;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ knobs: { latencyMs: LATENCY_MS } });
});
afterAll(() => stack.close());

/** The routes of each level, in order. */
async function levelsOf(name: string, signedIn = false): Promise<string[][]> {
  const op = operation(name);
  stack.gateway.clearLocalCaches();
  stack.demo.resetRequests();
  const headers = signedIn ? { authorization: `Bearer ${await developmentToken('u-0001', TEST_JWT_SECRET)}` } : undefined;
  const result = await stack.graphql(op.frontend, op.document, op.variables, headers);
  expect(result.body.errors).toBeUndefined();
  const levels: string[][] = [];
  let waveStart = -Infinity;
  for (const request of stack.demo.requests()) {
    if (request.at - waveStart > LATENCY_MS * (2 / 3)) {
      levels.push([]);
      waveStart = request.at;
    }
    (levels[levels.length - 1] as string[]).push(request.route);
  }
  const observed = levels.map((level) => level.sort());
  expect(reportedLevels(result.body.extensions?.diagnostics)).toEqual(observed);
  return observed;
}

/** The routes of each level as the response's diagnostics report them (`GET /products?ids` is the demo's `GET /products`). */
function reportedLevels(diagnostics: { downstream: { levels: number; calls: { level: number; route: string }[] } }): string[][] {
  const { levels, calls } = diagnostics.downstream;
  return Array.from({ length: levels }, (_, i) =>
    calls
      .filter((call) => call.level === i + 1)
      .map((call) => call.route.replace(/\?.*$/, ''))
      .sort(),
  );
}

describe('dependent downstream levels per contract query', () => {
  it('WebProductPage: 2 (the product, its reviews and recommendations at once; then everything that needs them)', async () => {
    expect(await levelsOf('WebProductPage')).toEqual([
      ['GET /products', 'GET /products/{productId}/reviews', 'GET /recommendations'],
      ['GET /categories', 'GET /products', 'GET /ratings', 'GET /stock', 'GET /users'],
    ]);
  });

  it('WebCategoryListing: 2', async () => {
    expect(await levelsOf('WebCategoryListing')).toEqual([
      ['GET /categories', 'GET /products'],
      ['GET /ratings', 'GET /stock'],
    ]);
  });

  it('WebAccountOrders: 2 (the user and the orders at once, then the products)', async () => {
    expect(await levelsOf('WebAccountOrders', true)).toEqual([['GET /users', 'GET /users/{userId}/orders'], ['GET /products']]);
  });

  it('MobileHome: 2', async () => {
    expect(await levelsOf('MobileHome')).toEqual([
      ['GET /categories', 'GET /products'],
      ['GET /ratings', 'GET /stock'],
    ]);
  });

  it('MobileProduct: 2 (product, rating and top reviews at once; then stock and authors)', async () => {
    expect(await levelsOf('MobileProduct')).toEqual([
      ['GET /products', 'GET /products/{productId}/reviews', 'GET /ratings'],
      ['GET /stock', 'GET /users'],
    ]);
  });

  it('MobileSearch: 2', async () => {
    expect(await levelsOf('MobileSearch')).toEqual([['GET /products'], ['GET /ratings', 'GET /stock']]);
  });
});
