/**
 * The HTTP server's limits (src/http/serverLimits.ts, src/http/body.ts): slow
 * clients are cut within their deadlines while everyone else is served,
 * oversized heads get 431, connections above the cap are dropped without
 * stopping the server, idle keep-alive sockets give way near the cap, and the
 * defaults admit a burst of 300 concurrent requests.
 */
import { request } from 'undici';
import type { HttpOptions } from '../src/config';
import { operation } from './helpers/contract';
import { bodyOf, headerOf, postHead, rawConnect, statusOf, trickle, type RawConnection } from './helpers/rawHttp';
import { waitFor } from './helpers/redis';
import { startGateway, startStack, type GatewayUnderTest, type Stack, TEST_HTTP } from './helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

async function withGateway(http: Partial<HttpOptions>, body: (gateway: GatewayUnderTest) => Promise<void>): Promise<void> {
  const gateway = await startGateway(stack.demo.urls, { config: { http: { ...TEST_HTTP, ...http } } });
  try {
    await body(gateway);
  } finally {
    await gateway.gateway.close();
  }
}

const QUERY = JSON.stringify({ query: '{ categories { id } }' });

describe('slow clients are cut at their deadlines', () => {
  let slow: GatewayUnderTest;
  beforeAll(async () => {
    slow = await startGateway(stack.demo.urls, {
      config: { http: { ...TEST_HTTP, headersTimeoutMs: 500, requestTimeoutMs: 5000, bodyTimeoutMs: 500 } },
    });
  });
  afterAll(() => slow.gateway.close());

  async function trickling(): Promise<RawConnection> {
    const connection = await rawConnect(slow.url);
    connection.socket.write(postHead('/graphql/web', QUERY.length));
    trickle(connection, QUERY, 100);
    return connection;
  }

  it('a body trickled a byte every 100 ms: 408 BAD_REQUEST at the body deadline, then the socket is closed', async () => {
    const connection = await trickling();
    const ms = await connection.closed;
    const raw = connection.received();
    expect(statusOf(raw)).toBe(408);
    expect(headerOf(raw, 'connection')).toBe('close');
    expect(bodyOf(raw).errors).toEqual([
      {
        message: expect.stringMatching(new RegExp(`^The request body must arrive within 500 ms of the request's start; received \\d+ of ${QUERY.length} bytes in that time\\.$`)),
        extensions: { code: 'BAD_REQUEST' },
      },
    ]);
    // At the body deadline (plus scheduling), far before the 5 s request timeout or the 3.5 s a full trickle takes.
    expect(ms).toBeGreaterThanOrEqual(450);
    expect(ms).toBeLessThan(2500);
  });

  it('headers never finished, or never started: 408 at the headers timeout, socket closed', async () => {
    const partial = await rawConnect(slow.url);
    partial.socket.write('POST /graphql/web HTTP/1.1\r\nHost: gateway\r\nContent-Type: appl');
    const silent = await rawConnect(slow.url);
    const [partialMs, silentMs] = await Promise.all([partial.closed, silent.closed]);
    for (const [connection, ms] of [[partial, partialMs], [silent, silentMs]] as const) {
      expect(statusOf(connection.received())).toBe(408);
      expect(bodyOf(connection.received()).errors[0].message).toBe('The request headers must arrive within 500 ms; they had not.');
      expect(headerOf(connection.received(), 'x-content-type-options')).toBe('nosniff');
      expect(ms).toBeGreaterThanOrEqual(450);
      expect(ms).toBeLessThan(2500);
    }
  });

  it('20 trickling sockets do not hold up anyone else', async () => {
    const op = operation('MobileSearch');
    await slow.graphql('mobile', op.document, op.variables); // warm: the query below is then quick
    const trickles = await Promise.all(Array.from({ length: 20 }, () => trickling()));
    const result = await slow.graphql('mobile', op.document, op.variables);
    expect(result.status).toBe(200);
    expect(result.body.data?.products.edges).toHaveLength(20);
    expect(trickles.filter((c) => c.isClosed())).toHaveLength(0); // served while all 20 were open
    await Promise.all(trickles.map((c) => c.closed));
    expect(trickles.map((c) => statusOf(c.received()))).toEqual(Array(20).fill(408));
  });
});

describe('request heads are bounded', () => {
  it('a 64 KB header: 431 stating the limit, and the server stays up', async () => {
    const res = await request(`${stack.url}/healthz`, { headers: { 'x-padding': 'a'.repeat(64 * 1024) } });
    expect(res.statusCode).toBe(431);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(await res.body.json()).toEqual({
      errors: [{ message: 'The request line and headers must be at most 16384 bytes; received more.', extensions: { code: 'BAD_REQUEST' } }],
    });
    const health = await request(`${stack.url}/healthz`);
    expect(health.statusCode).toBe(200);
    await health.body.dump();
  });

  it('a 12 KB header (a token and cookies) is within the default', async () => {
    const op = operation('MobileHome');
    const result = await stack.graphql('mobile', op.document, op.variables, { cookie: `session=${'c'.repeat(12 * 1024)}` });
    expect(result.status).toBe(200);
  });
});

describe('the connection cap', () => {
  it('connections above MAX_CONNECTIONS are dropped without a byte; the server answers again once some close', async () => {
    await withGateway({ maxConnections: 5 }, async ({ url }) => {
      // Five connections mid-request (an unfinished head is never idle, so nothing closes them early).
      const held = await Promise.all(Array.from({ length: 5 }, () => rawConnect(url)));
      for (const c of held) c.socket.write('GET /healthz HTTP/1.1\r\nHost: gateway\r\n');
      const extra = await rawConnect(url);
      extra.socket.write('GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n');
      await extra.closed;
      expect(extra.received()).toBe('');

      for (const c of held) c.socket.destroy();
      await Promise.all(held.map((c) => c.closed));
      let answer: RawConnection | null = null;
      await waitFor(async () => {
        const c = await rawConnect(url);
        c.socket.write('GET /healthz HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n');
        await c.closed;
        answer = c;
        return statusOf(c.received()) === 200;
      }, 'the gateway to answer after the held connections closed');
      expect(bodyOf((answer as unknown as RawConnection).received())).toEqual({ status: 'ok' });
    });
  });

  it('idle keep-alive connections are closed when the open ones reach 90 % of the cap, so a new client gets in', async () => {
    await withGateway({ maxConnections: 5 }, async ({ url }) => {
      const idle: RawConnection[] = [];
      for (let i = 0; i < 3; i++) {
        const c = await rawConnect(url);
        c.socket.write('GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n');
        await waitFor(() => c.received().includes('{"status":"ok"}'), 'a keep-alive answer');
        idle.push(c);
      }
      expect(idle.filter((c) => c.isClosed())).toHaveLength(0);
      const fourth = await rawConnect(url); // 4 open = 90 % of 5: the idle three are closed
      await Promise.all(idle.map((c) => c.closed));
      fourth.socket.write('GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n');
      await waitFor(() => fourth.received().includes('{"status":"ok"}'), 'the new client to be answered');
      expect(fourth.isClosed()).toBe(false);
      fourth.socket.destroy();
    });
  });
});

describe('the default limits admit a burst', () => {
  it('300 concurrent GraphQL requests, each on its own connection: all 200, none shed or reset', async () => {
    stack.gateway.clearLocalCaches();
    const op = operation('MobileHome');
    const outcomes = await Promise.all(
      Array.from({ length: 300 }, () =>
        stack.graphql('mobile', op.document, op.variables).then(
          (r) => (r.status === 200 && !r.body.errors ? 'ok' : `${r.status} ${JSON.stringify(r.body.errors)}`),
          (error: NodeJS.ErrnoException) => error.code ?? String(error),
        ),
      ),
    );
    expect(outcomes.filter((o) => o !== 'ok')).toEqual([]);
  });
});
