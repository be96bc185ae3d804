/**
 * The fast lane (src/graphql/fastLane/) answers exactly what Apollo answers.
 *
 * Two stacks run side by side, each its own demo services (the same seeded
 * data set, one clock for what they write) and its own gateway on the same
 * clock: one with the fast lane on, one with FAST_LANE off, so every request
 * goes through Apollo. Every request of a case is sent to both, in the same
 * order, and the two responses must be the same: status, every header but
 * the per-request ones (date, request id), and the body byte for byte.
 * Each case also checks which path ran, from the log lines' `lane`.
 */
import { printExecutableGraphQLDocument } from '@graphql-tools/documents';
import { parse } from 'graphql';
import { createHash } from 'node:crypto';
import { request } from 'undici';
import { DEFAULT_RATE_LIMITS, type GatewayConfig } from '../src/config';
import { developmentToken } from '../src/context/developmentToken';
import { startDemoServices, type DemoServices } from '../src/demo';
import { contractOperations, operation, type ContractOperation } from './helpers/contract';
import { capturedLogs, type CapturedLogs } from './helpers/logs';
import { waitFor } from './helpers/redis';
import { startGateway, TEST_JWT_SECRET, type GatewayUnderTest } from './helpers/stack';

type Lane = 'fast' | 'apollo';
const LANES: readonly Lane[] = ['fast', 'apollo'];

interface Side {
  demo: DemoServices;
  gateway: GatewayUnderTest;
  logs: CapturedLogs;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

interface Sent {
  method?: 'GET' | 'POST';
  path: string;
  /** POST: the JSON body (sent as given); GET: the search string. */
  body?: unknown;
  search?: string;
  headers?: Record<string, string>;
}

/** Headers that differ per request by design. */
const PER_REQUEST = new Set(['date', 'x-request-id']);

// Fixed clocks: the services timestamp orders and reviews with theirs, the gateways' caches and budgets use theirs.
const SERVICES_NOW = () => Date.parse('2026-12-01T10:00:00Z');

async function startSides(config: Partial<GatewayConfig>, now: () => number): Promise<Record<Lane, Side>> {
  const sides = {} as Record<Lane, Side>;
  for (const lane of LANES) {
    const demo = await startDemoServices({ now: SERVICES_NOW });
    const logs = capturedLogs();
    const gateway = await startGateway(demo.urls, {
      logger: logs.logger,
      now,
      config: { ...config, trustedDocuments: { mode: config.trustedDocuments?.mode ?? 'off', dir: undefined, fastLane: lane === 'fast' } },
    });
    sides[lane] = { demo, gateway, logs };
  }
  return sides;
}

async function closeSides(sides: Record<Lane, Side> | undefined): Promise<void> {
  for (const side of Object.values(sides ?? {})) {
    await side.gateway.gateway.close();
    await side.demo.close();
  }
}

async function send(side: Side, sent: Sent): Promise<Answer> {
  const method = sent.method ?? 'POST';
  const res = await request(`${side.gateway.url}${sent.path}${sent.search ?? ''}`, {
    method,
    headers: { ...(method === 'POST' ? { 'content-type': 'application/json' } : {}), ...sent.headers },
    ...(method === 'POST' ? { body: typeof sent.body === 'string' ? sent.body : JSON.stringify(sent.body) } : {}),
  });
  return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
}

/** Sends `sent` to both sides; expects the same answer; returns it with the lane each side's log line names. */
async function both(sides: Record<Lane, Side>, sent: Sent): Promise<{ answer: Answer; lanes: Record<Lane, string> }> {
  const answers = {} as Record<Lane, Answer>;
  const lanes = {} as Record<Lane, string>;
  for (const lane of LANES) {
    const before = sides[lane].logs.lines.length;
    answers[lane] = await send(sides[lane], sent);
    // Request lines are written once per turn of the event loop (http/requestLog.ts): after the response.
    await waitFor(() => sides[lane].logs.lines.slice(before).some((l) => l.msg === 'request'), 'the request line');
    const line = sides[lane].logs.lines.slice(before).find((l) => l.msg === 'request');
    lanes[lane] = line?.lane ?? 'apollo';
  }
  const { fast, apollo } = answers;
  expect(fast.status).toBe(apollo.status);
  if (hasStackTraces(apollo.body) || hasDiagnostics(apollo.body)) {
    // Development: where each path made an error (its stack's frames) and how long each call took differ, nothing else.
    expect(withoutTimes(fast.body)).toBe(withoutTimes(apollo.body));
    expect(comparable(fast.headers, 'content-length')).toEqual(comparable(apollo.headers, 'content-length'));
  } else {
    expect(fast.body).toBe(apollo.body);
    expect(comparable(fast.headers)).toEqual(comparable(apollo.headers));
  }
  for (const name of PER_REQUEST) expect(fast.headers[name] === undefined).toBe(apollo.headers[name] === undefined);
  return { answer: fast, lanes };
}

function comparable(headers: Answer['headers'], also?: string): [string, unknown][] {
  return Object.entries(headers).filter(([name]) => !PER_REQUEST.has(name) && name !== also);
}

const hasStackTraces = (body: string) => body.includes('"stacktrace":[');
const hasDiagnostics = (body: string) => body.includes('"diagnostics":{');

/**
 * The body with each error's stack trace cut to its first line (the error's name and message),
 * and the diagnostics' times (every `…Ms` and `ms`) set to 0: the same JSON text otherwise.
 */
function withoutTimes(body: string): string {
  const parsed = JSON.parse(body) as { errors?: { extensions?: { stacktrace?: string[] } }[]; extensions?: { diagnostics?: unknown } };
  for (const error of parsed.errors ?? []) if (error.extensions?.stacktrace) error.extensions.stacktrace = error.extensions.stacktrace.slice(0, 1);
  const zero = (value: unknown): void => {
    if (!value || typeof value !== 'object') return;
    for (const [key, inner] of Object.entries(value)) {
      if (typeof inner === 'number' && (key === 'ms' || key.endsWith('Ms'))) (value as Record<string, number>)[key] = 0;
      else zero(inner);
    }
  };
  zero(parsed.extensions?.diagnostics);
  return JSON.stringify(parsed);
}

const tokens = new Map<string, string>();
async function signedIn(userId: string): Promise<Record<string, string>> {
  if (!tokens.has(userId)) tokens.set(userId, await developmentToken(userId, TEST_JWT_SECRET));
  return { authorization: `Bearer ${tokens.get(userId)}` };
}

const getSearch = (op: ContractOperation) => `?query=${encodeURIComponent(op.document)}&variables=${encodeURIComponent(JSON.stringify(op.variables))}`;

/** sha256 hex of a text. */
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** The manifest id of a contract operation's document: the sha256 of its normalized print. */
const idOf = (op: ContractOperation) => `sha256:${sha256(printExecutableGraphQLDocument(parse(op.document)))}`;

const post = (op: ContractOperation, extra: Partial<Sent> = {}): Sent => ({
  path: `/graphql/${op.frontend}`,
  body: { query: op.document, variables: op.variables },
  ...extra,
});

describe.each([
  ['production', { production: true, introspection: false, playground: false, trustedDocuments: { mode: 'enforce' as const, dir: undefined } }],
  ['development', {}],
])('the fast lane and Apollo answer alike (%s)', (_mode, config) => {
  let sides: Record<Lane, Side>;
  let time = Date.parse('2026-12-01T12:00:00Z');
  const now = () => time;
  beforeAll(async () => {
    sides = await startSides(config, now);
  });
  afterAll(() => closeSides(sides));

  describe.each(contractOperations.map((op) => [op.name, op] as const))('%s', (_name, op) => {
    it('anonymous, twice (the second from the response cache where the document allows)', async () => {
      const first = await both(sides, post(op));
      expect(first.lanes).toEqual({ fast: 'fast', apollo: 'apollo' });
      expect(first.answer.status).toBe(200);
      time += 1500; // past the invalidation log's start-up horizon, and an Age of 1 s
      const second = await both(sides, post(op));
      expect(second.lanes.fast).toBe('fast');
    });

    it('signed in', async () => {
      const { answer, lanes } = await both(sides, post(op, { headers: await signedIn('u-0001') }));
      expect(lanes.fast).toBe('fast');
      expect(answer.status).toBe(200);
      expect(answer.headers['cache-control']).toBe('private, no-store');
    });

    it.each([['none'], ['application/json'], ['application/graphql-response+json'], ['*/*'], ['application/graphql-response+json;q=0.9, application/json;q=0.8']])(
      'with Accept: %s',
      async (accept) => {
        const { lanes } = await both(sides, post(op, accept === 'none' ? {} : { headers: { accept } }));
        expect(lanes.fast).toBe('fast');
      },
    );
  });

  describe('requests the fast lane leaves to Apollo', () => {
    const page = operation('WebProductPage');
    it.each<[string, Sent]>([
      ['a GET without a header that passes the CSRF check', { method: 'GET', path: '/graphql/web', search: getSearch(page) }],
      ['a GET of a mutation', { method: 'GET', path: '/graphql/web', search: getSearch(operation('WebPlaceOrder')), headers: { 'apollo-require-preflight': 'true' } }],
      ['a GET giving `variables` twice', { method: 'GET', path: '/graphql/web', search: `${getSearch(page)}&variables=%7B%7D`, headers: { 'apollo-require-preflight': 'true' } }],
      ['an Accept that takes no JSON', { ...post(page), headers: { accept: 'text/html' } }],
      ['variables sent as a string', post(page, { body: { query: page.document, variables: JSON.stringify(page.variables) } })],
      ['a batch', post(page, { body: [{ query: page.document, variables: page.variables }] })],
      ['an operationName the document does not have', post(page, { body: { query: page.document, variables: page.variables, operationName: 'Nope' } })],
      ['a bad token', post(page, { headers: { authorization: 'Bearer not-a-token' } })],
    ])('%s', async (_case, sent) => {
      const { lanes } = await both(sides, sent);
      expect(lanes.fast).toBe('apollo');
    });
  });

  describe('a GET of a query', () => {
    it.each(contractOperations.filter((op) => !op.document.includes('mutation')).map((op) => [op.name, op] as const))('%s', async (_name, op) => {
      const get = (): Sent => ({ method: 'GET', path: `/graphql/${op.frontend}`, search: getSearch(op), headers: { 'apollo-require-preflight': 'true' } });
      const first = await both(sides, get());
      expect(first.lanes.fast).toBe('fast');
      expect(first.answer.status).toBe(200);
      time += 1500;
      expect((await both(sides, get())).lanes.fast).toBe('fast');
    });
  });

  describe('errors the fast lane answers as Apollo does', () => {
    const page = operation('WebProductPage');
    it('variables of the wrong type: 400 BAD_USER_INPUT', async () => {
      const { answer, lanes } = await both(sides, post(page, { body: { query: page.document, variables: { id: { not: 'an id' } } } }));
      expect(lanes.fast).toBe('fast');
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    });

    it('a missing required variable: 400', async () => {
      const { answer } = await both(sides, post(page, { body: { query: page.document } }));
      expect(answer.status).toBe(400);
    });

    it('a failing downstream service: partial data and its error', async () => {
      // One call to the failing service, so one error: errors come in the order failures settle.
      for (const lane of LANES) sides[lane].demo.setKnobs({ failureRate: 1 }, 'inventory');
      try {
        const { answer, lanes } = await both(sides, post(page, { body: { query: page.document, variables: { ...page.variables, id: 'p-0042' } } }));
        expect(lanes.fast).toBe('fast');
        const body = JSON.parse(answer.body);
        expect(body.data.product.id).toBe('p-0042');
        expect(body.errors).toHaveLength(1);
        expect(body.data.product.availability).toBeNull();
      } finally {
        for (const lane of LANES) sides[lane].demo.setKnobs({ failureRate: 0 }, 'inventory');
      }
    });

    it('a document named by id, and by its APQ hash', async () => {
      const byId = await both(sides, post(page, { body: { documentId: idOf(page), variables: page.variables } }));
      expect(byId.lanes.fast).toBe('fast');
      expect(byId.answer.status).toBe(200);
      const byHash = await both(sides, post(page, { body: { variables: page.variables, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(page.document) } } } }));
      expect(byHash.lanes.fast).toBe('fast');
      // By id the manifest's normalized print runs (fields sorted), by hash the text as written.
      expect(JSON.parse(byHash.answer.body).data).toEqual(JSON.parse(byId.answer.body).data);
    });
  });
});

describe('the fast lane and Apollo charge budgets alike', () => {
  let sides: Record<Lane, Side>;
  const now = () => Date.parse('2026-12-01T12:00:00Z');
  beforeAll(async () => {
    sides = await startSides({ rateLimits: { ...DEFAULT_RATE_LIMITS, requestsPerMinute: 2, costPerMinute: 1000 } }, now);
  });
  afterAll(() => closeSides(sides));

  it('the same RateLimit headers, then the same 429', async () => {
    const home = operation('MobileHome');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const { answer, lanes } = await both(sides, post(home));
      expect(lanes.fast).toBe('fast');
      expect(answer.headers.ratelimit).toBeDefined();
      statuses.push(answer.status);
    }
    expect(statuses).toContain(429);
  });
});

