/**
 * Starts the real thing for a test file: the demo services on free ports and a
 * gateway pointed at them, over real HTTP. Nothing is mocked.
 */
import { request } from 'undici';
import {
  DEFAULT_CACHE,
  DEFAULT_DOWNSTREAM,
  DEFAULT_HTTP,
  DEFAULT_LIMITS,
  DEFAULT_RATE_LIMITS,
  DEFAULT_RESOURCES,
  DEFAULT_SUBSCRIPTIONS,
  DEFAULT_TRACING,
  DEVELOPMENT_JWT_SECRET,
  defaultOperationsDir,
  type GatewayConfig,
} from '../../src/config';
import { startDemoServices, type DemoKnobs, type DemoServices } from '../../src/demo';
import { createGateway, type Gateway } from '../../src/gateway';
import type { Logger } from '../../src/logging/logger';
import type { ServiceUrls } from '../../src/contract/services';
import type { Timers } from '../../src/subscriptions/timers';

export const TEST_JWT_SECRET = DEVELOPMENT_JWT_SECRET;

/**
 * The HTTP defaults, but for shedding on event-loop delay: a test process
 * starts demo data sets and gateways synchronously in the one event loop its
 * other gateways serve from (a second or so each), which no production
 * process does while serving. The suites that test that shedding turn it on.
 */
export const TEST_HTTP = { ...DEFAULT_HTTP, shedding: { ...DEFAULT_HTTP.shedding, maxEventLoopDelayMs: 0 } };

export function testConfig(services: ServiceUrls, overrides: Partial<GatewayConfig> = {}): GatewayConfig {
  return {
    port: 0,
    host: '127.0.0.1',
    services,
    downstream: { ...DEFAULT_DOWNSTREAM },
    cache: { ...DEFAULT_CACHE },
    auth: { jwtSecret: TEST_JWT_SECRET, usingDevelopmentSecret: false },
    // Request and cost budgets off, as by default; the registrations budget at its default.
    rateLimits: { ...DEFAULT_RATE_LIMITS },
    trustProxyHops: 0,
    production: false,
    introspection: true,
    playground: true,
    // On, as outside production by default.
    diagnostics: true,
    logLevel: 'silent',
    logFormat: 'json',
    // Off: a test that traces sets an endpoint of its own (test/tracing.test.ts).
    tracing: { ...DEFAULT_TRACING },
    maxBodyBytes: 1024 * 1024,
    maxPageSize: { web: 100, mobile: 20 },
    operationsDir: defaultOperationsDir(),
    trustedDocuments: { mode: 'off', dir: undefined },
    limits: { ...DEFAULT_LIMITS },
    resources: { ...DEFAULT_RESOURCES },
    http: TEST_HTTP,
    requestTimeoutMs: 10_000,
    metricsPort: null,
    shutdown: { delayMs: 0, timeoutMs: 5000 },
    subscriptions: { ...DEFAULT_SUBSCRIPTIONS },
    ...overrides,
  };
}

export interface GraphQLResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: {
    data?: Record<string, any> | null;
    errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
    extensions?: Record<string, any>;
  };
}

/** A running gateway and a way to send it operations. */
export interface GatewayUnderTest {
  gateway: Gateway;
  url: string;
  /** POSTs an operation to /graphql/<frontend>. */
  graphql(
    frontend: 'web' | 'mobile',
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResult>;
}

export interface Stack extends GatewayUnderTest {
  demo: DemoServices;
  close(): Promise<void>;
}

export interface GatewayOptions {
  config?: Partial<GatewayConfig>;
  logger?: Logger;
  /** The caches' and breakers' clock. */
  now?: () => number;
  /** The subscriptions' clock and timers (test/helpers/subscriptions.ts has a manual one). */
  timers?: Timers;
}

export interface StackOptions extends GatewayOptions {
  knobs?: Partial<DemoKnobs>;
}

/** Starts one more gateway instance against the given services (e.g. a second instance sharing Redis). */
export async function startGateway(services: ServiceUrls, options: GatewayOptions = {}): Promise<GatewayUnderTest> {
  const gateway = await createGateway(testConfig(services, options.config), {
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.timers ? { timers: options.timers } : {}),
  });
  const url = await gateway.listen();
  return {
    gateway,
    url,
    async graphql(frontend, query, variables, headers) {
      const res = await request(`${url}/graphql/${frontend}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const text = await res.body.text();
      return { status: res.statusCode, headers: res.headers, body: JSON.parse(text) };
    },
  };
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const demo = await startDemoServices(options.knobs ? { knobs: options.knobs } : {});
  const instance = await startGateway(demo.urls, options);
  return {
    ...instance,
    demo,
    async close() {
      await instance.gateway.close();
      await demo.close();
    },
  };
}
