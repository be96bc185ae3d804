/**
 * `/metrics` through prom-client: exactly the series of deploy/metrics.md
 * (which the dashboard and alert rules are checked against), in base units,
 * with bounded labels, recorded where they happen; and on an internal port
 * of its own when METRICS_PORT is set.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { DEFAULT_LIMITS, projectRoot } from '../src/config';
import { operation } from './helpers/contract';
import { postGraphQL } from './helpers/graphqlHttp';
import { startGateway, startStack, type Stack } from './helpers/stack';

let stack: Stack;
beforeAll(async () => {
  // A clock that stands still: what one request cached is still fresh for the next, however slow the machine.
  const now = Date.now();
  stack = await startStack({ now: () => now });
});
afterAll(() => stack.close());

const scrape = async (url: string) => (await request(`${url}/metrics`)).body.text();
const listed = [...readFileSync(join(projectRoot(), 'deploy', 'metrics.md'), 'utf8').matchAll(/^\| `([a-z_]+)` \| (counter|gauge|histogram) \|/gm)].map((m) => m[1] as string);

describe('the series', () => {
  it('are the ones deploy/metrics.md lists: each of them, and no gateway series besides', async () => {
    const text = await scrape(stack.url);
    const exposed = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1] as string));
    for (const name of listed) expect({ name, exposed: exposed.has(name) }).toEqual({ name, exposed: true });
    expect([...exposed].filter((name) => name.startsWith('gateway_') && !listed.includes(name))).toEqual([]);
  });

  it("count a request under its trusted operation's name, anything else as other, with durations in seconds", async () => {
    const op = operation('MobileProduct');
    await postGraphQL(stack.url, 'mobile', { query: op.document, variables: op.variables });
    await postGraphQL(stack.url, 'mobile', { query: 'query MadeUp { product(id: "p-0001") { id } }' });
    const text = await scrape(stack.url);
    expect(text).toMatch(/^gateway_requests_total\{frontend="mobile",operation="MobileProduct",status="200"\} [1-9]/m);
    expect(text).toMatch(/^gateway_requests_total\{frontend="mobile",operation="other",status="200"\} [1-9]/m);
    expect(text).not.toContain('operation="MadeUp"');
    expect(text).toMatch(/^gateway_request_duration_seconds_bucket\{le="0\.005",frontend="mobile",operation="MobileProduct"\} \d+$/m);
  });

  it('count cache lookups by entity family and tier, and downstream calls by service, route and outcome', async () => {
    const op = operation('WebCategoryListing');
    stack.gateway.clearLocalCaches();
    await postGraphQL(stack.url, 'web', { query: op.document, variables: op.variables });
    await postGraphQL(stack.url, 'web', { query: op.document, variables: op.variables });
    const text = await scrape(stack.url);
    expect(text).toMatch(/^gateway_cache_lookups_total\{family="stock",tier="miss"\} [1-9]/m);
    expect(text).toMatch(/^gateway_cache_lookups_total\{family="stock",tier="l1"\} [1-9]/m);
    expect(text).toMatch(/^gateway_downstream_calls_total\{service="inventory",route="GET \/stock",outcome="200"\} [1-9]/m);
    expect(text).toMatch(/^gateway_downstream_call_duration_seconds_count\{service="inventory",route="GET \/stock"\} [1-9]/m);
    expect(text).toMatch(/^gateway_circuit_open\{service="inventory"\} 0$/m);
  });

  it('count rejections by the limit that refused them', async () => {
    let deep = 'id';
    for (let i = 0; i < DEFAULT_LIMITS.maxDepth + 2; i++) deep = `id recommendations(first: 1) { ${deep} }`;
    expect((await postGraphQL(stack.url, 'web', { query: `{ product(id: "p-0001") { ${deep} } }` })).status).toBe(400);
    expect(await scrape(stack.url)).toMatch(/^gateway_rejections_total\{frontend="web",reason="depth"\} [1-9]/m);
  });

  it("include prom-client's process and Node series under their standard names", async () => {
    const text = await scrape(stack.url);
    for (const name of ['process_cpu_seconds_total', 'nodejs_eventloop_lag_seconds', 'nodejs_gc_duration_seconds', 'nodejs_heap_size_used_bytes']) {
      expect(text).toContain(`# TYPE ${name} `);
    }
  });
});

describe('METRICS_PORT', () => {
  it('serves /metrics on its own port, and the public port no longer does', async () => {
    const gateway = await startGateway(stack.demo.urls, { config: { metricsPort: 0 } });
    try {
      const publicAnswer = await request(`${gateway.url}/metrics`);
      await publicAnswer.body.dump();
      expect(publicAnswer.statusCode).toBe(404);
      const internal = gateway.gateway.metricsUrl;
      expect(internal).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(internal).not.toBe(gateway.url);
      expect(await scrape(internal as string)).toContain('# TYPE gateway_requests_total counter');
    } finally {
      await gateway.gateway.close();
    }
  });
});
