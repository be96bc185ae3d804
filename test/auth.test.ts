/**
 * Identity: bearer tokens verified with an algorithm allow-list and `exp`
 * enforced; `sub` forwarded as `x-user-id`; a client-sent `x-user-id` never
 * reaches a downstream service.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { SignJWT, exportJWK, generateKeyPair, jwtVerify, type KeyLike } from 'jose';
import { createAuthenticator } from '../src/context/auth';
import { developmentToken } from '../src/context/developmentToken';
import { operation } from './helpers/contract';
import { startStack, TEST_JWT_SECRET, type Stack } from './helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

const secret = new TextEncoder().encode(TEST_JWT_SECRET);
const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function me(authorization?: string, extraHeaders: Record<string, string> = {}) {
  const op = operation('WebAccountOrders');
  return stack.graphql('web', op.document, op.variables, {
    ...(authorization !== undefined ? { authorization } : {}),
    ...extraHeaders,
  });
}

function expectRejected(result: Awaited<ReturnType<typeof me>>, reason: string) {
  expect(result.status).toBe(401);
  expect(result.body.data).toBeUndefined();
  expect(result.body.errors).toEqual([
    { message: `The bearer token was rejected: ${reason}.`, extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) },
  ]);
}

describe('bearer tokens', () => {
  it('a valid token signs the user in', async () => {
    const result = await me(`Bearer ${await developmentToken('u-0001', TEST_JWT_SECRET)}`);
    expect(result.body.data?.me?.id).toBe('u-0001');
  });

  it('no token: anonymous, me is null', async () => {
    const result = await me();
    expect(result.status).toBe(200);
    expect(result.body.data).toEqual({ me: null });
  });

  it('a malformed header or token is rejected', async () => {
    expectRejected(await me('Token abc'), 'the Authorization header must be "Bearer <token>"');
    expectRejected(await me('Bearer not.a.jwt'), 'it is not a well-formed JWT');
  });

  it('an expired token is rejected', async () => {
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('u-0001').setExpirationTime(now() - 60).sign(secret);
    expectRejected(await me(`Bearer ${token}`), 'it has expired');
  });

  it('a token without exp is rejected', async () => {
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('u-0001').sign(secret);
    expectRejected(await me(`Bearer ${token}`), 'its exp claim is not valid');
  });

  it('a token signed with another secret is rejected', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u-0001')
      .setExpirationTime(now() + 600)
      .sign(new TextEncoder().encode('someone-elses-secret'));
    expectRejected(await me(`Bearer ${token}`), 'its signature does not verify');
  });

  it('alg "none" is rejected', async () => {
    const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'u-0001', exp: now() + 600 })}.`;
    const result = await me(`Bearer ${token}`);
    expect(result.status).toBe(401);
    expect(result.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('an algorithm outside the allow-list (HS512) is rejected', async () => {
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS512' }).setSubject('u-0001').setExpirationTime(now() + 600).sign(secret);
    expectRejected(await me(`Bearer ${token}`), 'its algorithm is not allowed');
  });

  it('a subject that is not a user id is rejected', async () => {
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('admin').setExpirationTime(now() + 600).sign(secret);
    expectRejected(await me(`Bearer ${token}`), 'its subject must be a user id like u-0001');
  });

  it('the server keeps serving other requests after rejected tokens', async () => {
    const results = await Promise.all([me('Bearer x.y.z'), me(), me(`Bearer ${await developmentToken('u-0002', TEST_JWT_SECRET)}`)]);
    expect(results.map((r) => r.status)).toEqual([401, 200, 200]);
    expect(results[2]!.body.data?.me?.id).toBe('u-0002');
  });
});

describe('x-user-id', () => {
  it("a client's own x-user-id is never forwarded: anonymous stays anonymous", async () => {
    stack.demo.resetRequests();
    const result = await me(undefined, { 'x-user-id': 'u-0002' });
    expect(result.body.data).toEqual({ me: null });
    const op = operation('WebPlaceOrder');
    const order = await stack.graphql('web', op.document, op.variables, { 'x-user-id': 'u-0002' });
    expect(order.body.data?.placeOrder.__typename).toBe('NotSignedIn');
    expect(stack.demo.requests()).toEqual([]);
  });

  it('a signed-in request forwards the token subject, not the client header', async () => {
    stack.gateway.clearLocalCaches();
    stack.demo.resetRequests();
    const result = await me(`Bearer ${await developmentToken('u-0001', TEST_JWT_SECRET)}`, { 'x-user-id': 'u-0002' });
    expect(result.body.data?.me?.id).toBe('u-0001');
    const ordersCall = stack.demo.requests().find((r) => r.route === 'GET /users/{userId}/orders');
    expect(ordersCall?.userId).toBe('u-0001');
  });
});

describe('JWKS and issuer/audience', () => {
  let jwks: Server;
  let jwksUrl: string;
  let privateKey: KeyLike;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    jwks = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => jwks.close(() => resolve())));

  const sign = (claims: { iss?: string; aud?: string }, alg = 'ES256') =>
    new SignJWT(claims)
      .setProtectedHeader({ alg, kid: 'k1' })
      .setSubject('u-0007')
      .setExpirationTime(now() + 600)
      .sign(privateKey);

  it('verifies ES256 tokens against the key set, with issuer and audience', async () => {
    const authenticate = createAuthenticator({ jwksUrl, issuer: 'https://id.example', audience: 'storefront', usingDevelopmentSecret: false });
    await expect(authenticate(`Bearer ${await sign({ iss: 'https://id.example', aud: 'storefront' })}`)).resolves.toEqual({ userId: 'u-0007' });
    await expect(authenticate(`Bearer ${await sign({ iss: 'https://evil.example', aud: 'storefront' })}`)).rejects.toThrow(
      'The bearer token was rejected: its iss claim is not valid.',
    );
    await expect(authenticate(`Bearer ${await sign({ iss: 'https://id.example', aud: 'other' })}`)).rejects.toThrow(
      'The bearer token was rejected: its aud claim is not valid.',
    );
  });

  it('with a key set configured, HS256 tokens (algorithm confusion) are rejected', async () => {
    const authenticate = createAuthenticator({ jwksUrl, usingDevelopmentSecret: false });
    await expect(authenticate(`Bearer ${await developmentToken('u-0001', TEST_JWT_SECRET)}`)).rejects.toThrow(
      'The bearer token was rejected: its algorithm is not allowed.',
    );
  });
});

describe('npm run token', () => {
  it('prints a development token the gateway accepts', async () => {
    const { stdout } = await promisify(execFile)('npm', ['run', '--silent', 'token', '--', 'u-0042'], {
      cwd: `${__dirname}/..`,
      env: { ...process.env, JWT_SECRET: '' },
    });
    const token = stdout.trim();
    const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'] });
    expect(payload.sub).toBe('u-0042');
    expect(payload.exp).toBeGreaterThan(now());
    const result = await me(`Bearer ${token}`);
    expect(result.body.data?.me?.id).toBe('u-0042');
  }, 60_000);
});
