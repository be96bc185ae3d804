/**
 * The HTTP edge: bad input gets a clear, standard error and nothing else is
 * affected; production hides internals; every request has an id and one log
 * line without personal data; health, readiness and metrics answer.
 */
import { Writable } from 'node:stream';
import { request } from 'undici';
import { createLogger } from '../src/logging/logger';
import { developmentToken } from '../src/context/developmentToken';
import { operation } from './helpers/contract';
import { waitFor } from './helpers/redis';
import { startStack, TEST_JWT_SECRET, type Stack } from './helpers/stack';

const lines: Record<string, any>[] = [];
const raw: string[] = [];
const logger = createLogger(
  'info',
  new Writable({
    write(chunk, _encoding, done) {
      raw.push(String(chunk));
      for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  }),
);

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ logger });
});
afterAll(() => stack.close());

async function post(frontend: string, body: string, headers: Record<string, string> = {}) {
  const res = await request(`${stack.url}/graphql/${frontend}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: res.statusCode, headers: res.headers, body: JSON.parse(await res.body.text()) };
}

describe('bad requests', () => {
  it('malformed JSON: 400 BAD_REQUEST naming the problem', async () => {
    const { status, body } = await post('web', '{"query": "{ categories { id } }"');
    expect(status).toBe(400);
    expect(body.errors[0].extensions.code).toBe('BAD_REQUEST');
    expect(body.errors[0].message).toMatch(/^The request body is not valid JSON/);
  });

  it('an unknown field: 400 GRAPHQL_VALIDATION_FAILED', async () => {
    const { status, body } = await post('web', JSON.stringify({ query: '{ product(id: "p-0001") { price { cents } } }' }));
    expect(status).toBe(400);
    expect(body.errors[0]).toMatchObject({
      message: 'Cannot query field "cents" on type "Money".',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });

  it('a syntax error: 400 GRAPHQL_PARSE_FAILED', async () => {
    const { status, body } = await post('web', JSON.stringify({ query: '{ product(id: ' }));
    expect(status).toBe(400);
    expect(body.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('invalid variables: 400 BAD_USER_INPUT naming the variable', async () => {
    const op = operation('WebCategoryListing');
    const { status, body } = await post('web', JSON.stringify({ query: op.document, variables: { first: 'many' } }));
    expect(status).toBe(400);
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(body.errors[0].message).toContain('$first');
  });

  it('a body over the limit: 413', async () => {
    const { status, body } = await post('web', JSON.stringify({ query: `{ categories { id } } #${'x'.repeat(1024 * 1024)}` }));
    expect(status).toBe(413);
    expect(body.errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('an unknown path: 404 naming the endpoints', async () => {
    const res = await request(`${stack.url}/graphql`);
    expect(res.statusCode).toBe(404);
    expect((await res.body.json()) as object).toEqual({
      errors: [{ message: 'No route /graphql; the GraphQL endpoints are /graphql/web and /graphql/mobile.' }],
    });
  });

  it('other requests are unaffected while bad ones arrive', async () => {
    const op = operation('MobileSearch');
    const results = await Promise.all([
      post('mobile', '{oops'),
      post('mobile', JSON.stringify({ query: op.document, variables: op.variables })),
      post('mobile', JSON.stringify({ query: '{ nope }' })),
    ]);
    expect(results.map((r) => r.status)).toEqual([400, 200, 400]);
    expect(results[1]!.body.data.products.edges).toHaveLength(20);
  });
});

describe('request ids and log lines', () => {
  it('tells shared caches what the answer varies on', async () => {
    const { headers } = await post('web', JSON.stringify({ query: '{ categories { id } }' }));
    expect(headers.vary).toBe('Accept, Accept-Language, Authorization');
  });

  it('echoes a sane client request id, or makes one', async () => {
    const mine = await post('web', JSON.stringify({ query: '{ categories { id } }' }), { 'x-request-id': 'client-abc-123' });
    expect(mine.headers['x-request-id']).toBe('client-abc-123');
    const made = await post('web', JSON.stringify({ query: '{ categories { id } }' }), { 'x-request-id': 'bad id with spaces' });
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs one line per request with id, frontend, operation, status, duration and downstream calls', async () => {
    const op = operation('MobileSearch');
    stack.gateway.clearLocalCaches();
    await post('mobile', JSON.stringify({ query: op.document, variables: op.variables }), { 'x-request-id': 'log-line-1' });
    // Request lines are written once per turn of the event loop (http/requestLog.ts): after the response.
    await waitFor(() => lines.some((l) => l.requestId === 'log-line-1'), 'the request line');
    const mine = lines.filter((l) => l.requestId === 'log-line-1');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ msg: 'request', frontend: 'mobile', operation: 'MobileSearch', status: 200, downstreamCalls: 3 });
    expect(typeof mine[0]!.ms).toBe('number');
  });

  it('never logs tokens or emails', async () => {
    const token = await developmentToken('u-0001', TEST_JWT_SECRET);
    const op = operation('WebAccountOrders');
    const result = await post('web', JSON.stringify({ query: op.document, variables: op.variables }), {
      authorization: `Bearer ${token}`,
      'x-request-id': 'log-private-1',
    });
    const email = result.body.data.me.email as string;
    expect(email).toContain('@');
    await post('web', JSON.stringify({ query: op.document }), { authorization: 'Bearer forged.token.value', 'x-request-id': 'log-private-2' });
    const all = raw.join('');
    expect(all).toContain('log-private-1');
    expect(all).toContain('log-private-2');
    expect(all).not.toContain(email);
    expect(all).not.toContain(token);
    expect(all).not.toContain('forged.token.value');
  });

  it('the redaction list guards objects that reach the logger by mistake', () => {
    const captured: string[] = [];
    const guarded = createLogger(
      'info',
      new Writable({
        write(chunk, _e, done) {
          captured.push(String(chunk));
          done();
        },
      }),
    );
    guarded.info({ email: 'a@b.c', user: { email: 'd@e.f' }, req: { headers: { authorization: 'Bearer x' } } }, 'oops');
    expect(captured.join('')).not.toMatch(/a@b\.c|d@e\.f|Bearer x/);
  });
});

describe('health, readiness, metrics', () => {
  it('/healthz answers ok', async () => {
    const res = await request(`${stack.url}/healthz`);
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toEqual({ status: 'ok' });
  });

  it('/readyz reports every downstream service healthy, from what its calls showed', async () => {
    const res = await request(`${stack.url}/readyz`);
    expect(res.statusCode).toBe(200);
    const body = (await res.body.json()) as { status: string; downstream: Record<string, { status: string; circuit: string }> };
    expect(body.status).toBe('ready');
    expect(Object.keys(body.downstream)).toEqual(['catalog', 'inventory', 'reviews', 'accounts', 'orders', 'recommendations']);
    for (const service of Object.values(body.downstream)) expect(service).toMatchObject({ status: 'ok', circuit: 'closed' });
  });

  it('/metrics counts requests and downstream calls in Prometheus text', async () => {
    const res = await request(`${stack.url}/metrics`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const text = await res.body.text();
    expect(text).toMatch(/^gateway_requests_total\{frontend="mobile",operation="\w+",status="200"\} \d+$/m);
    expect(text).toMatch(/^gateway_downstream_calls_total\{service="catalog",route="GET \/products",outcome="200"\} \d+$/m);
    expect(text).toMatch(/^gateway_request_duration_seconds_bucket\{le="\+Inf",frontend="web",operation="\w+"\} \d+$/m);
  });
});

describe('production mode', () => {
  let prod: Stack;
  beforeAll(async () => {
    prod = await startStack({ config: { production: true, introspection: false, playground: false } });
  });
  afterAll(() => prod.close());

  it('turns introspection off', async () => {
    const { body } = await prod.graphql('web', '{ __schema { types { name } } }');
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('masks an unexpected error: no message details, no stack', async () => {
    // A downstream bug: a review whose createdAt is not a date.
    const reviews = prod.demo.data.reviewsByProduct.get('p-0001')!;
    const broken = { ...reviews[0]!, id: 'r-broken', createdAt: 'yesterday at noon' };
    reviews.unshift(broken);
    try {
      const op = operation('WebProductPage');
      const { status, body } = await prod.graphql('web', op.document, op.variables);
      expect(status).toBe(200);
      expect(body.data?.product?.name).toBe('Brass Desk Lamp');
      expect(body.errors).toHaveLength(1);
      expect(body.errors?.[0]).toEqual({
        message: 'Internal server error.',
        path: expect.any(Array),
        locations: expect.any(Array),
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      });
      expect(JSON.stringify(body)).not.toContain('yesterday');
      expect(JSON.stringify(body)).not.toContain('stacktrace');
    } finally {
      reviews.shift();
    }
  });

  it('keeps coded errors readable, without stacks or URLs', async () => {
    prod.demo.setKnobs({ failureRate: 1 }, 'recommendations');
    prod.gateway.clearLocalCaches();
    try {
      const op = operation('WebProductPage');
      const { body } = await prod.graphql('web', op.document, op.variables);
      expect(body.errors?.[0]).toEqual({
        message: 'The recommendations service answered GET /recommendations with HTTP 503.',
        path: ['product', 'recommendations'],
        locations: expect.any(Array),
        extensions: { code: 'DOWNSTREAM_ERROR', service: 'recommendations' },
      });
      expect(JSON.stringify(body)).not.toContain('127.0.0.1');
    } finally {
      prod.demo.setKnobs({ failureRate: 0 }, 'recommendations');
    }
  });

  it('in development, the same unexpected error shows its message and stack', async () => {
    const reviews = stack.demo.data.reviewsByProduct.get('p-0001')!;
    reviews.unshift({ ...reviews[0]!, id: 'r-broken', createdAt: 'yesterday at noon' });
    try {
      const op = operation('WebProductPage');
      const { body } = await stack.graphql('web', op.document, op.variables);
      expect(body.errors?.[0]?.message).toContain('DateTime must be an ISO-8601 string; received "yesterday at noon"');
      expect(body.errors?.[0]?.extensions?.stacktrace).toEqual(expect.any(Array));
    } finally {
      reviews.shift();
    }
  });
});
