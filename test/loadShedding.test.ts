/**
 * Load shedding (src/http/loadShedding.ts) on a real gateway: past its
 * in-flight bound, or with its event loop late, new GraphQL requests get 503
 * OVERLOADED with Retry-After at once; health, metrics and the playground are
 * still served; /readyz reports it; and the gateway recovers by itself.
 *
 * Each describe has its own gateway, alive only while its tests run: the
 * event-loop test blocks this (jest's) process, which every gateway in it
 * would see.
 */
import { request } from 'undici';
import { DEFAULT_HTTP, DEFAULT_SHEDDING, type SheddingOptions } from '../src/config';
import { operation } from './helpers/contract';
import { waitFor } from './helpers/redis';
import { startStack, type GraphQLResult, type Stack } from './helpers/stack';

function shedding(options: Partial<SheddingOptions>) {
  return { config: { http: { ...DEFAULT_HTTP, shedding: { ...DEFAULT_SHEDDING, ...options } } } };
}

async function readyz(stack: Stack): Promise<{ status: number; body: any }> {
  const res = await request(`${stack.url}/readyz`);
  return { status: res.statusCode, body: await res.body.json() };
}

const search = operation('MobileSearch');
const query = (stack: Stack): Promise<GraphQLResult> => stack.graphql('mobile', search.document, search.variables);

describe('the in-flight bound', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(shedding({ maxInFlight: 4, retryAfterS: 2 }));
  });
  afterAll(() => stack.close());

  it('past it: 503 OVERLOADED with Retry-After at once, the rest 200; /readyz shows it; then everything recovers', async () => {
    stack.demo.setKnobs({ latencyMs: 300 });
    stack.gateway.clearLocalCaches();
    const fired = Promise.all(Array.from({ length: 20 }, () => query(stack)));

    let during: { status: number; body: any } | null = null;
    await waitFor(async () => (during = await readyz(stack)).body.shedding.active, '/readyz to report shedding');
    const seen = during as unknown as { status: number; body: any };
    expect(seen.status).toBe(200); // reported, not unready: SHED_UNREADY_AFTER_MS is 0
    expect(seen.body).toMatchObject({ status: 'ready', shedding: { active: true, maxInFlight: 4, maxEventLoopDelayMs: 1000 } });
    // Never shed: health, metrics, the playground.
    for (const path of ['/healthz', '/metrics', '/playground/assets/playground.css']) {
      const res = await request(`${stack.url}${path}`);
      await res.body.dump();
      expect([path, res.statusCode]).toEqual([path, 200]);
    }

    const results = await fired;
    const ok = results.filter((r) => r.status === 200);
    const shed = results.filter((r) => r.status === 503);
    expect(ok.length + shed.length).toBe(20);
    expect(ok.length).toBeGreaterThanOrEqual(4);
    expect(shed.length).toBeGreaterThanOrEqual(1);
    for (const r of ok) expect(r.body.data?.products.edges).toHaveLength(20);
    for (const r of shed) {
      expect(r.headers['retry-after']).toBe('2');
      expect(r.body.errors).toEqual([
        { message: 'The gateway is overloaded: 4 GraphQL requests are in flight and the limit is 4; retry after 2 s.', extensions: { code: 'OVERLOADED' } },
      ]);
    }

    stack.demo.setKnobs({ latencyMs: 0 });
    await waitFor(async () => !(await readyz(stack)).body.shedding.active, '/readyz to stop reporting shedding');
    const after = await readyz(stack);
    expect(after).toMatchObject({ status: 200, body: { status: 'ready', shedding: { active: false, reason: null, inFlight: 0 } } });
    expect(after.body.shedding.shedTotal).toBe(shed.length);
    expect((await query(stack)).status).toBe(200);
  });
});

describe('shedding without a break makes /readyz 503 when SHED_UNREADY_AFTER_MS is set', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(shedding({ maxInFlight: 2, unreadyAfterMs: 200 }));
  });
  afterAll(() => stack.close());

  it('503 overloaded while it lasts, 200 ready after', async () => {
    stack.demo.setKnobs({ latencyMs: 1000 });
    stack.gateway.clearLocalCaches();
    const fired = Promise.all(Array.from({ length: 6 }, () => query(stack)));
    await waitFor(async () => (await readyz(stack)).status === 503, '/readyz to answer 503');
    const unready = await readyz(stack);
    expect(unready.body).toMatchObject({ status: 'overloaded', shedding: { active: true, persistent: true } });
    expect(unready.body.shedding.activeForMs).toBeGreaterThanOrEqual(200);
    stack.demo.setKnobs({ latencyMs: 0 });
    await fired;
    await waitFor(async () => (await readyz(stack)).status === 200, '/readyz to answer 200 again');
    expect((await readyz(stack)).body).toMatchObject({ status: 'ready', shedding: { active: false, persistent: false } });
  });
});

describe('the event-loop delay bound', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(shedding({ maxEventLoopDelayMs: 100 }));
  });
  afterAll(() => stack.close());

  it('after the loop was blocked for 300 ms a request is shed; the gateway recovers by itself', async () => {
    // Whatever this busy process did before, start from a gateway that admits.
    await waitFor(async () => (await query(stack)).status === 200, 'a first request to be admitted');

    const until = performance.now() + 300;
    while (performance.now() < until) {
      // busy: nothing else runs, the gateway's lag timer included
    }
    const shed = await query(stack);
    expect(shed.status).toBe(503);
    expect(shed.headers['retry-after']).toBe('1');
    expect(shed.body.errors?.[0]?.extensions).toEqual({ code: 'OVERLOADED' });
    expect(shed.body.errors?.[0]?.message).toMatch(/^The gateway is overloaded: its event loop is \d+ ms behind and the limit is 100 ms; retry after 1 s\.$/);
    const during = await readyz(stack);
    expect(during.body.shedding).toMatchObject({ active: true, maxEventLoopDelayMs: 100 });

    await waitFor(async () => (await query(stack)).status === 200, 'requests to be admitted again');
    await waitFor(async () => !(await readyz(stack)).body.shedding.active, '/readyz to stop reporting shedding');
  });
});
