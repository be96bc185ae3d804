/**
 * CORS (src/http/cors.ts): each frontend's own allow-list of exact origins,
 * preflights answered before the endpoint's 405, `Access-Control-Allow-Origin`
 * only ever echoing an allowed origin, and nothing changed for same-origin
 * requests or for a gateway with no list.
 */
import { request } from 'undici';
import { operation } from './helpers/contract';
import { startGateway, startStack, type GatewayUnderTest, type Stack, TEST_HTTP } from './helpers/stack';

const WEB = 'https://shop.example.com';
const WEB_DEV = 'http://localhost:3000';
const MOBILE = 'https://m.example.com';
const EVIL = 'https://evil.example.net';

let stack: Stack;
let listed: GatewayUnderTest;
beforeAll(async () => {
  stack = await startStack();
  listed = await startGateway(stack.demo.urls, {
    config: { http: { ...TEST_HTTP, corsOrigins: { web: [WEB, WEB_DEV], mobile: [MOBILE] } } },
  });
});
afterAll(async () => {
  await listed.gateway.close();
  await stack.close();
});

function preflight(url: string, frontend: string, origin: string, method = 'POST') {
  return request(`${url}/graphql/${frontend}`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'content-type, authorization' },
  });
}

async function post(url: string, frontend: 'web' | 'mobile', origin?: string) {
  const op = operation(frontend === 'web' ? 'WebCategoryListing' : 'MobileHome');
  const res = await request(`${url}/graphql/${frontend}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(origin ? { origin } : {}) },
    body: JSON.stringify({ query: op.document, variables: op.variables }),
  });
  await res.body.dump();
  return res;
}

describe('preflights', () => {
  it('from an allowed origin: 204 with the methods, the clients’ request headers and a max-age', async () => {
    const res = await preflight(listed.url, 'web', WEB);
    expect(res.statusCode).toBe(204);
    expect(res.headers).toMatchObject({
      'access-control-allow-origin': WEB,
      'access-control-allow-methods': 'GET, POST',
      'access-control-max-age': '600',
      vary: 'Origin',
    });
    const allowed = String(res.headers['access-control-allow-headers']).split(', ');
    expect(allowed).toEqual(
      ['content-type', 'authorization', 'apollo-require-preflight', 'x-apollo-operation-name', 'x-request-id', 'traceparent', 'tracestate'],
    );
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    expect(await res.body.text()).toBe('');
  });

  it('from any other origin: 403 and no CORS header at all', async () => {
    const res = await preflight(listed.url, 'web', EVIL);
    expect(res.statusCode).toBe(403);
    for (const header of ['access-control-allow-origin', 'access-control-allow-methods', 'access-control-allow-headers']) {
      expect(res.headers[header]).toBeUndefined();
    }
    expect(res.headers.vary).toBe('Origin');
    expect(((await res.body.json()) as any).errors[0]).toEqual({
      message: `Cross-origin requests to /graphql/web are allowed only from the origins configured for the web frontend; received origin "${EVIL}".`,
      extensions: { code: 'BAD_REQUEST' },
    });
  });

  it('an origin differing only in scheme, port or a trailing slash is another origin', async () => {
    for (const origin of ['http://shop.example.com', 'https://shop.example.com:8443', `${WEB}/`, 'null']) {
      const res = await preflight(listed.url, 'web', origin);
      await res.body.dump();
      expect([origin, res.statusCode, res.headers['access-control-allow-origin']]).toEqual([origin, 403, undefined]);
    }
  });

  it('an OPTIONS that is not a preflight is still 405', async () => {
    const res = await request(`${listed.url}/graphql/web`, { method: 'OPTIONS', headers: { origin: WEB } });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('GET, POST');
    await res.body.dump();
  });
});

describe('actual requests', () => {
  it('from an allowed origin: Access-Control-Allow-Origin echoes it, with Vary: Origin and the exposed headers', async () => {
    const res = await post(listed.url, 'web', WEB_DEV);
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(WEB_DEV);
    expect(res.headers['access-control-expose-headers']).toBe('x-request-id, retry-after');
    expect(res.headers.vary).toBe('Origin, Accept, Accept-Language, Authorization');
  });

  it('from another origin: answered, without Access-Control-Allow-Origin (the browser keeps it from the page)', async () => {
    const res = await post(listed.url, 'web', EVIL);
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers.vary).toBe('Origin, Accept, Accept-Language, Authorization');
  });

  it('same-origin (no Origin header): unaffected', async () => {
    const res = await post(listed.url, 'web');
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('errors written before GraphQL runs carry it too, so the page can read them', async () => {
    const res = await request(`${listed.url}/graphql/web`, { method: 'POST', headers: { 'content-type': 'application/json', origin: WEB }, body: '{oops' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['access-control-allow-origin']).toBe(WEB);
    await res.body.dump();
  });
});

describe('each frontend has its own list', () => {
  it('the web origins are not allowed on /graphql/mobile, nor the mobile origin on /graphql/web', async () => {
    const cases = [
      ['mobile', MOBILE, 204],
      ['mobile', WEB, 403],
      ['web', MOBILE, 403],
      ['web', WEB, 204],
    ] as const;
    for (const [frontend, origin, expected] of cases) {
      const res = await preflight(listed.url, frontend, origin);
      await res.body.dump();
      expect([frontend, origin, res.statusCode]).toEqual([frontend, origin, expected]);
    }
    const mobile = await post(listed.url, 'mobile', WEB);
    expect(mobile.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('no list configured (the default)', () => {
  it('no origin gets cross-origin access; same-origin requests are unaffected and carry no Vary: Origin', async () => {
    const pre = await preflight(stack.url, 'web', WEB);
    expect(pre.statusCode).toBe(403);
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    await pre.body.dump();
    const res = await post(stack.url, 'web', WEB);
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers.vary).toBe('Accept, Accept-Language, Authorization');
  });
});
