/**
 * The abuse suite: hostile requests, as a hostile client sends them, against
 * a gateway in development mode (TRUSTED_DOCUMENTS=off: the operation limits
 * are the defence) and in production mode (TRUSTED_DOCUMENTS=enforce,
 * introspection off, internals masked). Each one must get a prompt 4xx (or,
 * for a business refusal, data) with a stable code, never a 5xx or a stack
 * trace; after each one the gateway must still serve a contract query.
 */
import { connect } from 'node:net';
import { SignJWT } from 'jose';
import { request } from 'undici';
import { developmentToken } from '../src/context/developmentToken';
import { operation } from './helpers/contract';
import { getGraphQL, postGraphQL, type HttpAnswer } from './helpers/graphqlHttp';
import { startStack, TEST_JWT_SECRET, type Stack } from './helpers/stack';

type Mode = 'development' | 'production';

interface Case {
  /** The class of attack, as the issue lists them. */
  kind: string;
  name: string;
  send: (url: string) => Promise<HttpAnswer>;
  /** What a good answer is; by default: a 4xx with an error code. */
  check?: (answer: HttpAnswer, mode: Mode) => void;
}

const secret = new TextEncoder().encode(TEST_JWT_SECRET);
const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const sign = (claims: Record<string, unknown>, key: Uint8Array = secret, alg = 'HS256') =>
  new SignJWT(claims).setProtectedHeader({ alg }).sign(key);

const product = operation('MobileProduct');
const page = operation('WebProductPage');
const post = (url: string, body: unknown, headers: Record<string, string> = {}, frontend = 'web') => postGraphQL(url, frontend, body, headers);
const withToken = (url: string, token: string) => post(url, { query: page.document, variables: page.variables }, { authorization: `Bearer ${token}` });

async function raw(url: string, init: { method?: string; headers?: Record<string, string>; body?: string; path?: string }): Promise<HttpAnswer> {
  const res = await request(`${url}${init.path ?? '/graphql/web'}`, { method: (init.method ?? 'POST') as 'POST', headers: init.headers ?? {}, body: init.body });
  const text = await res.body.text();
  let body: any = null;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.statusCode, headers: res.headers, body, text };
}

const nest = (selection: string, levels: number, field: string) => {
  let out = selection;
  for (let i = 0; i < levels; i++) out = `id ${field} { ${out} }`;
  return out;
};
const aliases = (count: number, distinct: boolean) =>
  Array.from({ length: count }, (_v, i) => `a${i}: product(id: "p-${String(distinct ? (i % 5000) + 1 : 1).padStart(4, '0')}") { id name }`).join(' ');

function refused(status: number, ...codes: string[]) {
  return (answer: HttpAnswer) => {
    expect(answer.status).toBe(status);
    if (codes.length > 0) expect(codes).toContain(answer.body?.errors?.[0]?.extensions?.code);
  };
}
const unauthenticated = refused(401, 'UNAUTHENTICATED');
/** A document only a development gateway runs: production refuses it as untrusted. */
const limitOrUntrusted = (rule: string) => (answer: HttpAnswer, mode: Mode) => {
  expect(answer.status).toBe(400);
  const extensions = answer.body.errors[0].extensions;
  if (mode === 'production') expect(['DOCUMENT_NOT_TRUSTED', 'OPERATION_LIMIT_EXCEEDED']).toContain(extensions.code);
  else expect(extensions).toMatchObject({ code: 'OPERATION_LIMIT_EXCEEDED', rule });
};
const badUserInput = (answer: HttpAnswer, mode: Mode) => {
  expect(answer.status).toBe(mode === 'production' ? 400 : 200);
  const code = answer.body.errors[0].extensions.code;
  expect(mode === 'production' ? ['DOCUMENT_NOT_TRUSTED'] : ['BAD_USER_INPUT']).toContain(code);
};

const cases: Case[] = [
  // Query shape
  { kind: 'shape', name: 'a recommendations chain 60 deep', send: (u) => post(u, { query: `{ product(id: "p-0001") { ${nest('id', 60, 'recommendations(first: 1)')} } }` }), check: limitOrUntrusted('depth') },
  { kind: 'shape', name: 'seven levels of recommendations(first: 8)', send: (u) => post(u, { query: `{ product(id: "p-0001") { ${nest('id name', 7, 'recommendations(first: 8)')} } }` }), check: limitOrUntrusted('cost') },
  { kind: 'shape', name: '40 aliases', send: (u) => post(u, { query: `{ product(id: "p-0001") { ${Array.from({ length: 40 }, (_v, i) => `a${i}: name`).join(' ')} } }` }), check: limitOrUntrusted('aliases') },
  { kind: 'shape', name: '2,000 aliases, distinct ids', send: (u) => post(u, { query: `{ ${aliases(2000, true)} }` }), check: limitOrUntrusted('tokens') },
  { kind: 'shape', name: '5,000 aliases, distinct ids', send: (u) => post(u, { query: `{ ${aliases(5000, true)} }` }), check: limitOrUntrusted('tokens') },
  { kind: 'shape', name: '6,500 aliases, one id', send: (u) => post(u, { query: `{ ${aliases(6500, false)} }` }), check: limitOrUntrusted('tokens') },
  {
    kind: 'shape',
    name: 'a fragment bomb',
    send: (u) => post(u, { query: `{ product(id: "p-0001") { ...F0 } } ${Array.from({ length: 14 }, (_v, i) => `fragment F${i} on Product { id ${i < 13 ? `...F${i + 1} ...F${i + 1}` : 'name'} }`).join(' ')}` }),
    check: limitOrUntrusted('fragmentSpreads'),
  },
  { kind: 'shape', name: '25 directives', send: (u) => post(u, { query: `{ product(id: "p-0001") { ${'id @include(if: true) '.repeat(25)} } }` }), check: limitOrUntrusted('directives') },
  { kind: 'shape', name: '12 root fields', send: (u) => post(u, { query: `{ ${Array.from({ length: 12 }, (_v, i) => `c${i}: category(id: "c-00${i}") { id }`).join(' ')} }` }), check: limitOrUntrusted('rootFields') },
  { kind: 'shape', name: 'a 900 KB document', send: (u) => post(u, { query: `{ ${'__typename '.repeat(80_000)} }` }), check: limitOrUntrusted('tokens') },
  { kind: 'shape', name: '1,000 operations without operationName', send: (u) => post(u, { query: Array.from({ length: 1000 }, (_v, i) => `query Q${i} { __typename }`).join(' ') }), check: refused(400) },
  { kind: 'shape', name: 'an operationName that names no operation', send: (u) => post(u, { query: 'query A { __typename }', operationName: 'B' }), check: refused(400, 'OPERATION_RESOLUTION_FAILURE', 'DOCUMENT_NOT_TRUSTED') },
  { kind: 'shape', name: 'a syntax error', send: (u) => post(u, { query: '{ product(id: "p-0001") { id ' }), check: refused(400, 'GRAPHQL_PARSE_FAILED', 'DOCUMENT_NOT_TRUSTED') },
  { kind: 'shape', name: 'an unknown field', send: (u) => post(u, { query: '{ product(id: "p-0001") { nam } }' }), check: refused(400, 'GRAPHQL_VALIDATION_FAILED', 'DOCUMENT_NOT_TRUSTED') },
  {
    kind: 'shape',
    name: 'introspection',
    send: (u) => post(u, { query: '{ __schema { types { name fields { name } } } }' }),
    check: (a, mode) => (mode === 'production' ? refused(400)(a) : expect(a.status).toBe(200)),
  },
  { kind: 'shape', name: 'a query that is a number', send: (u) => post(u, { query: 42 }), check: refused(400) },
  { kind: 'shape', name: 'an empty query', send: (u) => post(u, { query: '' }), check: refused(400) },
  // Batching
  { kind: 'batching', name: 'a batch of two operations', send: (u) => post(u, [{ query: '{ __typename }' }, { query: '{ __typename }' }]), check: refused(400) },
  { kind: 'batching', name: 'a batch of 1,000 operations', send: (u) => post(u, Array.from({ length: 1000 }, () => ({ query: page.document, variables: page.variables }))), check: refused(400) },
  // CSRF: requests a browser sends cross-site without a preflight
  { kind: 'csrf', name: 'a GET without a preflight header', send: (u) => raw(u, { method: 'GET', path: `/graphql/web?query=${encodeURIComponent('{ __typename }')}` }), check: refused(400) },
  { kind: 'csrf', name: 'a text/plain POST', send: (u) => raw(u, { headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: '{ __typename }' }) }), check: refused(400) },
  { kind: 'csrf', name: 'a form POST', send: (u) => raw(u, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'query=%7B__typename%7D' }), check: refused(400) },
  {
    kind: 'csrf',
    name: 'a mutation over GET',
    send: (u) => getGraphQL(u, 'web', { query: operation('WebPlaceOrder').document, variables: JSON.stringify({ input: { lines: [{ productId: 'p-0001', quantity: 1 }] } }) }),
    check: (a) => expect([400, 405]).toContain(a.status),
  },
  // Bodies
  { kind: 'body', name: 'malformed JSON', send: (u) => post(u, '{"query": "{ __typename }"'), check: refused(400, 'BAD_REQUEST') },
  { kind: 'body', name: 'a body over 1 MB', send: (u) => post(u, { query: '{ __typename }', padding: 'x'.repeat(1_100_000) }), check: refused(413, 'BAD_REQUEST') },
  { kind: 'body', name: 'a declared length over 1 MB', send: (u) => raw(u, { headers: { 'content-type': 'application/json', 'content-length': '5000000' }, body: '' }), check: (a) => expect(a.status).toBeGreaterThanOrEqual(400) },
  { kind: 'body', name: '50,000 levels of nested variables', send: (u) => post(u, `{"query":"query($x: [[Int]]) { __typename }","variables":{"x":${'['.repeat(50_000)}${']'.repeat(50_000)}}}`), check: refused(400, 'BAD_REQUEST') },
  { kind: 'body', name: 'variables that are a string', send: (u) => post(u, { query: product.document, variables: 'p-0001' }, {}, 'mobile'), check: refused(400) },
  { kind: 'body', name: 'a variable of the wrong type', send: (u) => post(u, { query: product.document, variables: { id: { nested: true } } }, {}, 'mobile'), check: refused(400, 'BAD_USER_INPUT') },
  { kind: 'body', name: 'extensions that are a list', send: (u) => post(u, { query: product.document, variables: product.variables, extensions: [1, 2] }, {}, 'mobile'), check: refused(400) },
  { kind: 'body', name: 'an operationName that is a number', send: (u) => post(u, { query: product.document, operationName: 7 }, {}, 'mobile'), check: refused(400) },
  { kind: 'body', name: 'a body that is null', send: (u) => post(u, 'null'), check: refused(400) },
  {
    kind: 'body',
    name: '__proto__ and constructor keys',
    send: (u) => post(u, `{"query":${JSON.stringify(product.document)},"variables":{"id":"p-0001","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}},"__proto__":{"polluted":true}}`, {}, 'mobile'),
    check: (a) => {
      expect(a.status).toBe(200);
      expect(a.body.data.product.id).toBe('p-0001');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  },
  { kind: 'body', name: 'a search term of 900 KB', send: (u) => post(u, { query: operation('MobileSearch').document, variables: { search: 'x'.repeat(900_000) } }, {}, 'mobile'), check: refused(200, 'BAD_USER_INPUT') },
  // Ids that would end up in a downstream path
  { kind: 'ids', name: 'a path-traversal product id', send: (u) => post(u, { query: product.document, variables: { id: '../../admin' } }, {}, 'mobile'), check: refused(200, 'BAD_USER_INPUT') },
  { kind: 'ids', name: 'a product id with CRLF', send: (u) => post(u, { query: product.document, variables: { id: 'p-0001\r\nX-Injected: 1' } }, {}, 'mobile'), check: refused(200, 'BAD_USER_INPUT') },
  { kind: 'ids', name: 'an encoded path in a product id', send: (u) => post(u, { query: product.document, variables: { id: 'p-0001%2F..%2Fadmin' } }, {}, 'mobile'), check: refused(200, 'BAD_USER_INPUT') },
  { kind: 'ids', name: 'a forged cursor', send: (u) => post(u, { query: operation('WebCategoryListing').document, variables: { categoryId: 'c-001', first: 5, after: '../../x' } }), check: refused(200, 'BAD_USER_INPUT') },
  { kind: 'ids', name: 'a traversal in a literal id', send: (u) => post(u, { query: '{ product(id: "../admin") { id } }' }), check: badUserInput },
  // Tokens
  { kind: 'tokens', name: 'alg none', send: (u) => withToken(u, `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'u-0001', exp: now() + 600 })}.`), check: unauthenticated },
  { kind: 'tokens', name: 'a wrong key', send: async (u) => withToken(u, await sign({ sub: 'u-0001', exp: now() + 600 }, new TextEncoder().encode('not-the-secret'))), check: unauthenticated },
  { kind: 'tokens', name: 'an expired token', send: async (u) => withToken(u, await sign({ sub: 'u-0001', exp: now() - 10 })), check: unauthenticated },
  { kind: 'tokens', name: 'nbf in the future', send: async (u) => withToken(u, await sign({ sub: 'u-0001', exp: now() + 600, nbf: now() + 300 })), check: unauthenticated },
  { kind: 'tokens', name: 'a hostile sub', send: async (u) => withToken(u, await sign({ sub: '../../admin', exp: now() + 600 })), check: unauthenticated },
  { kind: 'tokens', name: 'a sub with CRLF', send: async (u) => withToken(u, await sign({ sub: 'u-0001\r\nx-user-id: u-0002', exp: now() + 600 })), check: unauthenticated },
  { kind: 'tokens', name: 'HS512', send: async (u) => withToken(u, await sign({ sub: 'u-0001', exp: now() + 600 }, secret, 'HS512')), check: unauthenticated },
  { kind: 'tokens', name: 'a 10 KB token', send: (u) => withToken(u, 'a'.repeat(10_000)), check: unauthenticated },
  { kind: 'tokens', name: 'a 20 KB token: headers too large', send: (u) => withToken(u, 'a'.repeat(20_000)), check: (a) => expect(a.status).toBe(431) },
  { kind: 'tokens', name: 'Basic credentials', send: (u) => post(u, { query: page.document, variables: page.variables }, { authorization: 'Basic dTpw' }), check: unauthenticated },
  // Identity spoofing
  {
    kind: 'spoofing',
    name: 'an x-user-id header',
    send: (u) => post(u, { query: operation('WebAccountOrders').document, variables: { first: 1 } }, { 'x-user-id': 'u-0001' }),
    check: (a) => {
      expect(a.status).toBe(200);
      expect(a.body.data).toEqual({ me: null });
    },
  },
  { kind: 'spoofing', name: 'x-forwarded-for', send: (u) => post(u, { query: product.document, variables: product.variables }, { 'x-forwarded-for': '10.0.0.1, 127.0.0.1' }, 'mobile'), check: (a) => expect(a.status).toBe(200) },
  {
    kind: 'spoofing',
    name: 'an x-request-id with a line break attempt and 200 characters',
    send: (u) => post(u, { query: product.document, variables: product.variables }, { 'x-request-id': `id-${'x'.repeat(200)}` }, 'mobile'),
    check: (a) => {
      expect(a.status).toBe(200);
      expect(a.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    },
  },
  {
    kind: 'spoofing',
    name: 'a signed-in user asking for another user by the query',
    send: async (u) => post(u, { query: operation('WebAccountOrders').document, variables: { first: 1 } }, { authorization: `Bearer ${await developmentToken('u-0002', TEST_JWT_SECRET)}` }),
    check: (a) => {
      expect(a.status).toBe(200);
      expect(a.body.data.me.id).toBe('u-0002');
    },
  },
  // The HTTP edge
  { kind: 'http', name: 'a method GraphQL over HTTP does not use', send: (u) => raw(u, { method: 'DELETE' }), check: refused(405, 'BAD_REQUEST') },
  { kind: 'http', name: 'a path that is no endpoint', send: (u) => raw(u, { method: 'GET', path: '/graphql/admin' }), check: (a) => expect(a.status).toBe(404) },
  { kind: 'http', name: 'a 60 KB URL', send: (u) => raw(u, { method: 'GET', path: `/graphql/web?query=${'x'.repeat(60_000)}`, headers: { 'apollo-require-preflight': 'true' } }), check: (a) => expect(a.status).toBeGreaterThanOrEqual(400) },
];

describe.each(['development', 'production'] as const)('%s mode', (mode) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(
      mode === 'production'
        ? { config: { production: true, introspection: false, playground: false, trustedDocuments: { mode: 'enforce', dir: undefined } } }
        : {},
    );
  });
  afterAll(() => stack.close());

  async function alive(): Promise<void> {
    expect((await request(`${stack.url}/healthz`)).statusCode).toBe(200);
    const { status, body } = await post(stack.url, { query: product.document, variables: product.variables }, {}, 'mobile');
    expect(status).toBe(200);
    expect(body.data.product.id).toBe('p-0001');
  }

  it(`has at least 50 hostile requests in ${new Set(cases.map((c) => c.kind)).size} classes`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
  });

  it.each(cases.map((c) => [`${c.kind}: ${c.name}`, c] as const))('%s', async (_label, hostile) => {
    const started = performance.now();
    const answer = await hostile.send(stack.url);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(answer.status).toBeLessThan(500);
    (hostile.check ?? refused(400))(answer, mode);
    if (mode === 'production') expect(answer.text).not.toMatch(/stacktrace|at .*\.ts:\d+/);
    await alive();
  });

  it('a client that opens a socket and sends half a request line does not stop the others', async () => {
    const { port } = new URL(stack.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write('POST /graphql/web HTTP/1.1\r\nHost: x\r\n');
    try {
      await alive();
    } finally {
      socket.destroy();
    }
  });

  it('300 concurrent requests are all answered', async () => {
    const answers = await Promise.all(
      Array.from({ length: 300 }, (_v, i) => post(stack.url, { query: product.document, variables: { id: `p-${String((i % 50) + 1).padStart(4, '0')}` } }, {}, 'mobile')),
    );
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    await alive();
  });
});
