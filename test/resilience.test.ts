/**
 * Deadlines and cancellation, and what keeps one service's trouble its own:
 * the request's deadline bounds every call, a client that goes away cancels
 * what only it waited for, a prefetch whose object failed sends nothing more,
 * retries stay within a budget, and a slow service fills only its own
 * bulkhead. Readiness answers from what the calls showed, never by calling.
 * Faults come from the demo services' knobs; nothing is mocked.
 */
import { request } from 'undici';
import { DEFAULT_DOWNSTREAM } from '../src/config';
import { operation } from './helpers/contract';
import { postGraphQL } from './helpers/graphqlHttp';
import { waitFor } from './helpers/redis';
import { startGateway, startStack, type Stack } from './helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterEach(() => stack.demo.setKnobs({ latencyMs: 0, failureRate: 0, malformedRate: 0 }));
afterAll(() => stack.close());

const page = operation('WebProductPage');
const idOf = (n: number) => `p-${String(n).padStart(4, '0')}`;

async function metric(url: string, pattern: RegExp): Promise<number> {
  const text = await (await request(`${url}/metrics`)).body.text();
  return text
    .split('\n')
    .filter((line) => pattern.test(line))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

async function readyz(url: string) {
  const res = await request(`${url}/readyz`);
  return { status: res.statusCode, body: (await res.body.json()) as any };
}

describe('the request deadline (REQUEST_TIMEOUT_MS)', () => {
  it("bounds every call by the time left: a slow service's field fails at the deadline, and its circuit does not count it", async () => {
    const gateway = await startGateway(stack.demo.urls, { config: { requestTimeoutMs: 300, downstream: { ...DEFAULT_DOWNSTREAM, retries: 0 } } });
    try {
      stack.demo.setKnobs({ latencyMs: 2000 }, 'recommendations');
      const { status, body } = await postGraphQL(gateway.url, 'web', { query: page.document, variables: page.variables });
      expect(status).toBe(200);
      expect(body.data.product.name).toBe('Brass Desk Lamp');
      expect(body.data.product.recommendations).toBeNull();
      const [error] = body.errors;
      expect(error.extensions).toMatchObject({ code: 'DOWNSTREAM_TIMEOUT', service: 'recommendations' });
      expect(error.message).toMatch(/^The recommendations service did not answer within the \d+ ms left of the request's deadline\.$/);
      expect((await readyz(gateway.url)).body.downstream.recommendations).toMatchObject({ circuit: 'closed', consecutiveFailures: 0 });
      expect(await metric(gateway.url, /^gateway_downstream_calls_total\{service="recommendations",route="GET \/recommendations",outcome="deadline"\}/)).toBe(1);
    } finally {
      await gateway.gateway.close();
    }
  });
});

describe('a client that goes away', () => {
  it('cancels the reads only it waited for: aborted through undici, counted, not held against the service', async () => {
    const gateway = await startGateway(stack.demo.urls, { config: { downstream: { ...DEFAULT_DOWNSTREAM, requestTimeoutMs: 5000, retries: 0 } } });
    try {
      stack.demo.setKnobs({ latencyMs: 3000 }, 'recommendations');
      stack.demo.resetRequests();
      const client = new AbortController();
      const sent = request(`${gateway.url}/graphql/web`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: page.document, variables: page.variables }),
        signal: client.signal,
      }).catch(() => 'gone');
      await waitFor(() => stack.demo.requests().some((r) => r.route === 'GET /recommendations'), 'the recommendations call to be out');
      client.abort();
      expect(await sent).toBe('gone');
      await waitFor(async () => (await metric(gateway.url, /^gateway_downstream_calls_aborted_total\{service="recommendations"\}/)) === 1, 'the call to be cancelled');
      expect(await metric(gateway.url, /^gateway_downstream_calls_total\{service="recommendations",route="GET \/recommendations",outcome="aborted"\}/)).toBe(1);
      expect((await readyz(gateway.url)).body.downstream.recommendations).toMatchObject({ circuit: 'closed', consecutiveFailures: 0, active: 0 });
    } finally {
      await gateway.gateway.close();
    }
  });
});

describe('a prefetch whose object failed', () => {
  it('never sends what only it wanted, and cancels what is out', async () => {
    const gateway = await startGateway(stack.demo.urls, { config: { downstream: { ...DEFAULT_DOWNSTREAM, retries: 0, circuitThreshold: 0 } } });
    try {
      // The product fails at once; its reviews page and recommendations (prefetched with it) are slow.
      stack.demo.setKnobs({ failureRate: 1 }, 'catalog');
      stack.demo.setKnobs({ latencyMs: 1500 }, 'recommendations');
      stack.demo.resetRequests();
      const { body } = await postGraphQL(gateway.url, 'web', { query: page.document, variables: page.variables });
      expect(body.data.product).toBeNull();
      expect(body.errors[0].extensions).toMatchObject({ code: 'DOWNSTREAM_ERROR', service: 'catalog' });
      await waitFor(async () => (await metric(gateway.url, /^gateway_downstream_calls_aborted_total\{service="recommendations"\}/)) === 1, 'the recommendations call to be cancelled');
      const routes = stack.demo.requests().map((r) => r.route);
      // The product's rating waited for the recommendations (one ratings batch for both): it was never sent.
      expect(routes).not.toContain('GET /ratings');
      // Nor the recommended products, which needed the recommendations' answer.
      expect(routes.filter((r) => r === 'GET /products')).toHaveLength(1);
    } finally {
      await gateway.gateway.close();
    }
  });

  it('a product that exists keeps every prefetched call', async () => {
    stack.demo.resetRequests();
    const { body } = await postGraphQL(stack.url, 'web', { query: page.document, variables: { ...page.variables, id: idOf(7) } });
    expect(body.errors).toBeUndefined();
    expect(body.data.product.recommendations).toHaveLength(8);
    expect(stack.demo.requests().map((r) => r.route)).toContain('GET /ratings');
  });
});

describe('the retry budget', () => {
  it('while a service fails every call, its retries stay within 10 % of its calls (and a few per window)', async () => {
    const gateway = await startGateway(stack.demo.urls, {
      config: { downstream: { ...DEFAULT_DOWNSTREAM, retries: 1, circuitThreshold: 0, retryBudgetRatio: 0.1, retryBudgetMin: 2 } },
    });
    try {
      stack.demo.setKnobs({ failureRate: 1 }, 'inventory');
      stack.demo.resetRequests();
      const op = operation('MobileProduct');
      const requests = 60;
      for (let i = 1; i <= requests; i++) {
        const { body } = await postGraphQL(gateway.url, 'mobile', { query: op.document, variables: { id: idOf(i) } });
        expect(body.data.product.availability).toBeNull();
      }
      const calls = stack.demo.requests().filter((r) => r.route === 'GET /stock').length;
      const retries = calls - requests;
      console.log(`retry budget: ${requests} stock calls failing, ${retries} retries sent`);
      expect(retries).toBeGreaterThan(0);
      expect(retries).toBeLessThanOrEqual(Math.max(2, 0.1 * requests));
      expect(await metric(gateway.url, /^gateway_downstream_retries_total\{service="inventory",result="budget_exhausted"\}/)).toBeGreaterThan(0);
      expect(await metric(gateway.url, /^gateway_downstream_retries_total\{service="inventory",result="sent"\}/)).toBe(retries);
    } finally {
      await gateway.gateway.close();
    }
  });
});

describe('a bulkhead per service', () => {
  it('with catalog at 3 s, reviews and recommendations make no timeouts and their circuits stay closed; /readyz stays 200', async () => {
    const gateway = await startGateway(stack.demo.urls, { config: { downstream: { ...DEFAULT_DOWNSTREAM, connections: 8, maxConcurrent: 8, maxQueued: 16, retries: 0 } } });
    try {
      stack.demo.setKnobs({ latencyMs: 3000 }, 'catalog');
      const answers = await Promise.all(
        Array.from({ length: 40 }, (_v, i) => postGraphQL(gateway.url, 'web', { query: page.document, variables: { ...page.variables, id: idOf(i + 1) } })),
      );
      for (const answer of answers) expect(answer.status).toBe(200);
      const codes = answers.flatMap((a) => a.body.errors ?? []).map((e: any) => `${e.extensions.service}:${e.extensions.code}`);
      expect(new Set(codes)).toEqual(new Set(['catalog:DOWNSTREAM_TIMEOUT', 'catalog:DOWNSTREAM_UNAVAILABLE']));
      for (const service of ['reviews', 'recommendations']) {
        expect(await metric(gateway.url, new RegExp(`^gateway_downstream_calls_total\\{service="${service}",.*outcome="(timeout|bulkhead|deadline)"`))).toBe(0);
      }
      const ready = await readyz(gateway.url);
      expect(ready.status).toBe(200);
      expect(ready.body.status).toBe('degraded');
      expect(ready.body.downstream.catalog.status).toBe('degraded');
      expect(ready.body.downstream.reviews).toMatchObject({ status: 'ok', circuit: 'closed' });
      expect(ready.body.downstream.recommendations).toMatchObject({ status: 'ok', circuit: 'closed' });
    } finally {
      await gateway.gateway.close();
    }
  });
});

describe('/readyz', () => {
  it('a service at 3 s latency leaves the instance ready (200), that service reported degraded; it never calls the services', async () => {
    const gateway = await startGateway(stack.demo.urls, { config: { downstream: { ...DEFAULT_DOWNSTREAM, retries: 0 } } });
    try {
      stack.demo.setKnobs({ latencyMs: 3000 }, 'recommendations');
      const { body } = await postGraphQL(gateway.url, 'web', { query: page.document, variables: page.variables });
      expect(body.data.product.name).toBe('Brass Desk Lamp');
      stack.demo.resetRequests();
      const ready = await readyz(gateway.url);
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({ status: 'degraded', downstream: { recommendations: { status: 'degraded' }, catalog: { status: 'ok' } } });
      expect(stack.demo.requests()).toEqual([]);
    } finally {
      await gateway.gateway.close();
    }
  });

  it('answers 503 while the instance drains', async () => {
    const gateway = await startGateway(stack.demo.urls, { config: { shutdown: { delayMs: 60_000, timeoutMs: 1000 } } });
    const shutdown = gateway.gateway.shutdown();
    try {
      const ready = await readyz(gateway.url);
      expect(ready).toMatchObject({ status: 503, body: { status: 'draining' } });
      const res = await request(`${gateway.url}/healthz`);
      await res.body.dump();
      expect(res.headers.connection).toBe('close');
    } finally {
      await gateway.gateway.close();
      void shutdown.catch(() => undefined);
    }
  });
});
