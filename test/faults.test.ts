/**
 * When a downstream service fails, only the fields that needed it fail: they
 * are null with a coded error naming the service, the rest of the response is
 * intact, and the gateway goes on serving. Faults come from the demo
 * services' knobs; each test puts the knobs back.
 */
import { DEFAULT_DOWNSTREAM } from '../src/config';
import { operation } from './helpers/contract';
import { REFUSING_URL } from './helpers/ports';
import { startStack, type Stack } from './helpers/stack';

let stack: Stack;
beforeAll(async () => {
  // A short timeout keeps the timeout case fast; retries off so counts stay exact.
  stack = await startStack({ config: { downstream: { ...DEFAULT_DOWNSTREAM, requestTimeoutMs: 300, connections: 8, retries: 0 } } });
});
// Each case starts cold: a cached copy would (rightly) hide the fault; stale-if-error has its own tests.
beforeEach(() => stack.gateway.clearLocalCaches());
afterEach(() => stack.demo.setKnobs({ latencyMs: 0, failureRate: 0, malformedRate: 0 }));
afterAll(() => stack.close());

async function run(name: string) {
  const op = operation(name);
  return stack.graphql(op.frontend, op.document, op.variables);
}

describe('a downstream service answering 503', () => {
  it('recommendations down: the product page renders, recommendations are null with DOWNSTREAM_ERROR', async () => {
    stack.demo.setKnobs({ failureRate: 1 }, 'recommendations');
    const { status, body } = await run('WebProductPage');
    expect(status).toBe(200);
    expect(body.data?.product).toMatchObject({ id: 'p-0001', name: 'Brass Desk Lamp', recommendations: null });
    expect(body.data?.product.reviews.edges).toHaveLength(10);
    expect(body.errors).toEqual([
      {
        message: 'The recommendations service answered GET /recommendations with HTTP 503.',
        path: ['product', 'recommendations'],
        locations: expect.any(Array),
        extensions: expect.objectContaining({ code: 'DOWNSTREAM_ERROR', service: 'recommendations' }),
      },
    ]);
  });

  it('reviews down: ratings and reviews are null, the product and its stock are intact', async () => {
    stack.demo.setKnobs({ failureRate: 1 }, 'reviews');
    const { body } = await run('WebProductPage');
    expect(body.data?.product).toMatchObject({ id: 'p-0001', rating: null, reviews: null, availability: { inStock: true } });
    const services = new Set(body.errors?.map((e) => e.extensions?.service));
    expect(services).toEqual(new Set(['reviews']));
    expect(body.errors?.every((e) => e.extensions?.code === 'DOWNSTREAM_ERROR')).toBe(true);
  });

  it('the gateway serves normally again once the service recovers', async () => {
    stack.demo.setKnobs({ failureRate: 1 }, 'recommendations');
    expect((await run('WebProductPage')).body.errors).toHaveLength(1);
    stack.demo.setKnobs({ failureRate: 0 }, 'recommendations');
    stack.gateway.clearLocalCaches();
    const { body } = await run('WebProductPage');
    expect(body.errors).toBeUndefined();
    expect(body.data?.product.recommendations).toHaveLength(8);
  });
});

describe('a downstream service answering malformed JSON', () => {
  it('inventory broken: listing renders, availability is null with DOWNSTREAM_BAD_PAYLOAD', async () => {
    stack.demo.setKnobs({ malformedRate: 1 }, 'inventory');
    const { status, body } = await run('WebCategoryListing');
    expect(status).toBe(200);
    const edges = body.data?.products.edges;
    expect(edges).toHaveLength(24);
    expect(edges.every((e: any) => e.node.availability === null && typeof e.node.name === 'string')).toBe(true);
    expect(body.data?.categories).toHaveLength(40);
    expect(body.errors?.length).toBe(24);
    expect(body.errors?.[0]).toMatchObject({
      message: 'The inventory service answered GET /stock with a body that is not JSON.',
      extensions: { code: 'DOWNSTREAM_BAD_PAYLOAD', service: 'inventory' },
    });
  });

  it('catalog broken: the root field is null with a coded error, and nothing crashes', async () => {
    stack.demo.setKnobs({ malformedRate: 1 }, 'catalog');
    const { status, body } = await run('MobileProduct');
    expect(status).toBe(200);
    expect(body.data).toEqual({ product: null });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'DOWNSTREAM_BAD_PAYLOAD', service: 'catalog' });
  });
});

describe('a downstream service timing out', () => {
  it('slow recommendations: DOWNSTREAM_TIMEOUT on that field only', async () => {
    stack.demo.setKnobs({ latencyMs: 1500 }, 'recommendations');
    const { body } = await run('WebProductPage');
    expect(body.data?.product).toMatchObject({ id: 'p-0001', recommendations: null });
    expect(body.errors?.[0]).toMatchObject({
      message: 'The recommendations service did not answer within 300 ms.',
      path: ['product', 'recommendations'],
      extensions: { code: 'DOWNSTREAM_TIMEOUT', service: 'recommendations' },
    });
  });
});

describe('a downstream service unreachable', () => {
  it('accounts refusing connections: reviews render without authors, with DOWNSTREAM_TIMEOUT', async () => {
    // An address that always refuses, never a closed port another suite could bind again.
    const broken = await startStack({ config: { services: { ...stack.demo.urls, accounts: REFUSING_URL } } });
    try {
      const op = operation('MobileProduct');
      const { body } = await broken.graphql('mobile', op.document, op.variables);
      expect(body.data?.product.topReviews).toHaveLength(3);
      expect(body.data?.product.topReviews.every((r: any) => r.author === null)).toBe(true);
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'DOWNSTREAM_TIMEOUT', service: 'accounts' });
      expect(body.errors?.[0]?.message).toBe('The accounts service could not be reached.');
    } finally {
      await broken.close();
    }
  });
});
