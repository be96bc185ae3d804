/**
 * `X-Content-Type-Options: nosniff` on every kind of response the gateway
 * writes, so no browser ever reads a JSON error, a metrics page or an asset
 * as something else; the playground keeps its own CSP besides.
 */
import { request } from 'undici';
import { DEFAULT_HTTP } from '../src/config';
import { startGateway, startStack, type GatewayUnderTest, type Stack } from './helpers/stack';

let stack: Stack;
let withCors: GatewayUnderTest;
beforeAll(async () => {
  stack = await startStack();
  withCors = await startGateway(stack.demo.urls, {
    config: { http: { ...DEFAULT_HTTP, corsOrigins: { web: ['https://shop.example.com'], mobile: [] } } },
  });
});
afterAll(async () => {
  await withCors.gateway.close();
  await stack.close();
});

type Case = [name: string, path: string, options: Parameters<typeof request>[1], status: number];
const json = { 'content-type': 'application/json' };

const cases: Case[] = [
  ['liveness', '/healthz', {}, 200],
  ['readiness', '/readyz', {}, 200],
  ['metrics', '/metrics', {}, 200],
  ['an unknown path', '/nope', {}, 404],
  ['the playground page', '/graphql/web', { headers: { accept: 'text/html' } }, 200],
  ['a playground asset', '/playground/assets/playground.css', {}, 200],
  ['a playground asset, wrong method', '/playground/assets/playground.css', { method: 'DELETE' }, 405],
  ['a GraphQL result', '/graphql/web', { method: 'POST', headers: json, body: JSON.stringify({ query: '{ categories { id } }' }) }, 200],
  ['a GraphQL GET', '/graphql/mobile?query=%7Bcategories%7Bid%7D%7D', { headers: { 'apollo-require-preflight': 'true' } }, 200],
  ['a validation error', '/graphql/web', { method: 'POST', headers: json, body: JSON.stringify({ query: '{ nope }' }) }, 400],
  ['malformed JSON', '/graphql/web', { method: 'POST', headers: json, body: '{oops' }, 400],
  ['a body over the limit', '/graphql/web', { method: 'POST', headers: { ...json, 'content-length': String(2 * 1024 * 1024) }, body: 'x'.repeat(2 * 1024 * 1024) }, 413],
  ['a wrong method', '/graphql/web', { method: 'DELETE' }, 405],
  ['a rejected preflight', '/graphql/web', { method: 'OPTIONS', headers: { origin: 'https://evil.example.net', 'access-control-request-method': 'POST' } }, 403],
  ['a head over the limit (written by the server limits)', '/healthz', { headers: { 'x-padding': 'a'.repeat(20 * 1024) } }, 431],
];

describe('X-Content-Type-Options: nosniff on every response', () => {
  it.each(cases)('%s', async (_name, path, options, status) => {
    const res = await request(`${stack.url}${path}`, options);
    await res.body.dump();
    expect(res.statusCode).toBe(status);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('an answered preflight', async () => {
    const res = await request(`${withCors.url}/graphql/web`, {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example.com', 'access-control-request-method': 'POST' },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('the playground keeps its CSP', async () => {
    const res = await request(`${stack.url}/graphql/web`, { headers: { accept: 'text/html' } });
    await res.body.dump();
    expect(String(res.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});
