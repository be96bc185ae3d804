/**
 * The gateway's configuration: one typed object with documented defaults.
 *
 * `createGateway(config)` takes this object and nothing else, so tests build
 * gateways with exactly the settings they need. Only `main.ts` reads the
 * environment, through `loadConfig(process.env)`; the variables are the ones
 * the contract README names (see README.md for the full table).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ServiceName, ServiceUrls } from './contract/services';
import { SERVICE_NAMES } from './contract/services';

export type Frontend = 'web' | 'mobile';
export const FRONTENDS: readonly Frontend[] = ['web', 'mobile'];

export interface DownstreamOptions {
  /** Milliseconds to open a TCP connection. Default 1000. */
  connectTimeoutMs: number;
  /** Milliseconds from sending a request to a complete response. Default 2000. */
  requestTimeoutMs: number;
  /** Keep-alive connections per downstream origin. Default 32. */
  connections: number;
  /** Retries of idempotent reads after a 502/503/504 or a reset connection. Default 1. */
  retries: number;
  /** Largest response body accepted, in bytes. Default 8 MiB. */
  maxResponseBytes: number;
  /** Consecutive failures that open a service's circuit; 0 = never. Default 5. */
  circuitThreshold: number;
  /** Milliseconds an open circuit fails fast before a trial call. Default 5000. */
  circuitCooldownMs: number;
}

export interface AuthOptions {
  /** HS256 shared secret; ignored when `jwksUrl` is set. */
  jwtSecret?: string;
  /** JSON Web Key Set URL for asymmetric tokens (RS256, ES256, EdDSA). */
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  /** True when `jwtSecret` is the built-in development secret (a warning is logged). */
  usingDevelopmentSecret: boolean;
}

export interface CacheOptions {
  /** Redis for L2, persisted queries and invalidation; null = in-process memory only (one instance). */
  redisUrl: string | null;
  /** Prefix of every Redis key and channel. Default `bff:`. */
  prefix: string;
  /** Heap bytes L1 may take per process (entries weighed at 3× their JSON). Default 48 MiB. */
  l1MaxBytes: number;
  /** Longest a Redis command may take before the cache treats it as a miss. Default 50 ms. */
  redisCommandTimeoutMs: number;
  /** Whole-response cache for anonymous, all-public operations. Default on. */
  responseCache: boolean;
  /** The entity cache under the loaders. Default on; off only to measure the uncached path. */
  entities: boolean;
}

/**
 * The HTTP edge's limits (README: "HTTP limits, CORS and load shedding").
 * Why these numbers: a client, slow or hostile, holds a socket for seconds at
 * most, never minutes; and the defaults admit a benchmark of 32 saturating
 * keep-alive connections and a burst of 300 concurrent requests untouched.
 */
export interface HttpOptions {
  /** Time a client has to send a request's headers (node's `headersTimeout`; 408 after). Default 10000. */
  headersTimeoutMs: number;
  /** Time a client has to send a whole request, headers and body (node's `requestTimeout`): the backstop of every path. Default 30000. */
  requestTimeoutMs: number;
  /** Time a GraphQL POST body has to arrive, from the request's start (408 BAD_REQUEST, connection closed). Default 10000. */
  bodyTimeoutMs: number;
  /** Largest request head: request line and headers, in bytes (node's `maxHeaderSize`; 431 above). Default 16384. */
  maxHeaderBytes: number;
  /** Open connections; node drops (closes at once) each one above it. 0 = no cap. Default 512. */
  maxConnections: number;
  /** How long an idle keep-alive connection stays open. Default 65000 (above a load balancer's usual 60 s). */
  keepAliveTimeoutMs: number;
  /** Exact origins allowed cross-origin access, per frontend; empty = none. Default none. */
  corsOrigins: Record<Frontend, readonly string[]>;
  /** `Access-Control-Max-Age` of preflight answers, in seconds. Default 600. */
  corsMaxAgeS: number;
  shedding: SheddingOptions;
}

/** When new GraphQL requests are refused with 503 OVERLOADED at once (src/http/loadShedding.ts). */
export interface SheddingOptions {
  /** GraphQL requests in flight (both frontends) above which new ones are shed. 0 = no bound. Default 400. */
  maxInFlight: number;
  /** Event-loop delay above which new requests are shed, in ms. 0 = no bound. Default 1000. */
  maxEventLoopDelayMs: number;
  /** The delay is the largest lag sampled in this many ms: after a stall, shedding lasts this long. Default 1000. */
  eventLoopWindowMs: number;
  /** `Retry-After` of a shed request, in seconds. Default 1. */
  retryAfterS: number;
  /** `/readyz` answers 503 once shedding has lasted this many ms without a break; 0 = never. Default 0. */
  unreadyAfterMs: number;
}

export interface GatewayConfig {
  /** HTTP port; 0 picks a free one. Default 4000. */
  port: number;
  /** Interface to bind. Default 0.0.0.0 (127.0.0.1 in tests). */
  host: string;
  /** Base URL per downstream service. */
  services: ServiceUrls;
  downstream: DownstreamOptions;
  cache: CacheOptions;
  auth: AuthOptions;
  /** `production` masks internal errors and turns introspection and the playground off. */
  production: boolean;
  /** Introspection on? Default: off in production, on otherwise. */
  introspection: boolean;
  /** Playground (GraphiQL) on browser GETs? Default: off in production, on otherwise. */
  playground: boolean;
  /** pino level; `silent` in tests. Default `info`. */
  logLevel: string;
  /** Largest POST body accepted, in bytes. Default 1 MiB. */
  maxBodyBytes: number;
  /** Largest page a client may ask for, per frontend. Default web 100, mobile 20. */
  maxPageSize: Record<Frontend, number>;
  /** Directory holding the contract operations shown in the playground. */
  operationsDir: string;
  /** Slow-client deadlines, head size, connection cap, keep-alive, CORS, load shedding. Default DEFAULT_HTTP. */
  http: HttpOptions;
}

/** Known only so `npm run token` and the demo shop work with nothing configured. */
export const DEVELOPMENT_JWT_SECRET = 'storefront-development-secret-do-not-use-in-production';

export const DEFAULT_CACHE: CacheOptions = {
  redisUrl: null,
  prefix: 'bff:',
  l1MaxBytes: 48 * 1024 * 1024,
  redisCommandTimeoutMs: 50,
  responseCache: true,
  entities: true,
};

export const DEFAULT_DOWNSTREAM: DownstreamOptions = {
  connectTimeoutMs: 1000,
  requestTimeoutMs: 2000,
  connections: 32,
  retries: 1,
  maxResponseBytes: 8 * 1024 * 1024,
  circuitThreshold: 5,
  circuitCooldownMs: 5000,
};

export const DEFAULT_SHEDDING: SheddingOptions = {
  maxInFlight: 400,
  maxEventLoopDelayMs: 1000,
  eventLoopWindowMs: 1000,
  retryAfterS: 1,
  unreadyAfterMs: 0,
};

export const DEFAULT_HTTP: HttpOptions = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  bodyTimeoutMs: 10_000,
  maxHeaderBytes: 16 * 1024,
  maxConnections: 512,
  keepAliveTimeoutMs: 65_000,
  corsOrigins: { web: [], mobile: [] },
  corsMaxAgeS: 600,
  shedding: DEFAULT_SHEDDING,
};

const ENV_BY_SERVICE: Record<ServiceName, string> = {
  catalog: 'CATALOG_URL',
  inventory: 'INVENTORY_URL',
  reviews: 'REVIEWS_URL',
  accounts: 'ACCOUNTS_URL',
  orders: 'ORDERS_URL',
  recommendations: 'RECOMMENDATIONS_URL',
};

/** The service URLs set in `env`, or null when none is (the embedded demo default). */
export function serviceUrlsFromEnv(env: NodeJS.ProcessEnv): ServiceUrls | null {
  const set = SERVICE_NAMES.filter((name) => env[ENV_BY_SERVICE[name]]);
  if (set.length === 0) return null;
  const missing = SERVICE_NAMES.filter((name) => !env[ENV_BY_SERVICE[name]]);
  if (missing.length > 0) {
    throw new Error(
      `Set every downstream URL or none; missing ${missing.map((n) => ENV_BY_SERVICE[n]).join(', ')}.`,
    );
  }
  const urls = {} as ServiceUrls;
  for (const name of SERVICE_NAMES) {
    const raw = env[ENV_BY_SERVICE[name]] as string;
    const url = new URL(raw); // throws on a malformed URL: fail at start-up, not per request
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(`${ENV_BY_SERVICE[name]} must be an http(s) URL; received ${JSON.stringify(raw)}.`);
    }
    urls[name] = raw.replace(/\/+$/, '');
  }
  return urls;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${name} must be a non-negative integer; received ${JSON.stringify(raw)}.`);
  }
  return value;
}

/**
 * A comma list of exact origins (`https://shop.example.com,http://localhost:3000`),
 * each as a browser sends it in `Origin`: scheme, host, port only, lowercase.
 */
export function originList(env: NodeJS.ProcessEnv, name: string): string[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return [];
  return raw.split(',').map((entry) => entry.trim()).filter(Boolean).map((entry) => {
    let origin: string | null = null;
    try {
      origin = new URL(entry).origin;
    } catch {
      // reported below
    }
    if (origin !== entry || !/^https?:/.test(entry) || entry.includes('*')) {
      throw new Error(
        `${name} takes exact origins (scheme://host[:port], no path, no wildcard); received ${JSON.stringify(entry)}` +
          `${origin && origin !== 'null' ? `; did you mean ${origin}?` : '.'}`,
      );
    }
    return entry;
  });
}

function httpOptions(env: NodeJS.ProcessEnv): HttpOptions {
  const d = DEFAULT_HTTP;
  const s = DEFAULT_SHEDDING;
  const options: HttpOptions = {
    headersTimeoutMs: integer(env, 'HTTP_HEADERS_TIMEOUT_MS', d.headersTimeoutMs),
    requestTimeoutMs: integer(env, 'HTTP_REQUEST_TIMEOUT_MS', d.requestTimeoutMs),
    bodyTimeoutMs: integer(env, 'BODY_TIMEOUT_MS', d.bodyTimeoutMs),
    maxHeaderBytes: integer(env, 'MAX_HEADER_BYTES', d.maxHeaderBytes),
    maxConnections: integer(env, 'MAX_CONNECTIONS', d.maxConnections),
    keepAliveTimeoutMs: integer(env, 'KEEP_ALIVE_TIMEOUT_MS', d.keepAliveTimeoutMs),
    corsOrigins: { web: originList(env, 'CORS_ORIGINS_WEB'), mobile: originList(env, 'CORS_ORIGINS_MOBILE') },
    corsMaxAgeS: integer(env, 'CORS_MAX_AGE_S', d.corsMaxAgeS),
    shedding: {
      maxInFlight: integer(env, 'SHED_MAX_IN_FLIGHT', s.maxInFlight),
      maxEventLoopDelayMs: integer(env, 'SHED_EVENT_LOOP_DELAY_MS', s.maxEventLoopDelayMs),
      eventLoopWindowMs: integer(env, 'SHED_EVENT_LOOP_WINDOW_MS', s.eventLoopWindowMs),
      retryAfterS: integer(env, 'SHED_RETRY_AFTER_S', s.retryAfterS),
      unreadyAfterMs: integer(env, 'SHED_UNREADY_AFTER_MS', s.unreadyAfterMs),
    },
  };
  // node refuses a headers timeout above the request timeout (0 turns the request timeout off).
  if (options.requestTimeoutMs > 0 && options.headersTimeoutMs > options.requestTimeoutMs) {
    throw new Error(
      `HTTP_HEADERS_TIMEOUT_MS must be at most HTTP_REQUEST_TIMEOUT_MS (${options.requestTimeoutMs}); received ${options.headersTimeoutMs}.`,
    );
  }
  if (options.maxHeaderBytes === 0) throw new Error('MAX_HEADER_BYTES must be a positive integer; received 0.');
  return options;
}

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  return raw === 'true' || raw === '1';
}

/**
 * Reads the environment. `services` is left to the caller when no URL is set:
 * `main.ts` then starts the demo services and fills it in.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv,
  services: ServiceUrls,
): GatewayConfig {
  const production = env.NODE_ENV === 'production';
  const jwtSecret = env.JWT_SECRET || undefined;
  const jwksUrl = env.JWKS_URL || undefined;
  return {
    port: integer(env, 'PORT', 4000),
    host: env.HOST || '0.0.0.0',
    services,
    downstream: {
      connectTimeoutMs: integer(env, 'DOWNSTREAM_CONNECT_TIMEOUT_MS', DEFAULT_DOWNSTREAM.connectTimeoutMs),
      requestTimeoutMs: integer(env, 'DOWNSTREAM_TIMEOUT_MS', DEFAULT_DOWNSTREAM.requestTimeoutMs),
      connections: integer(env, 'DOWNSTREAM_CONNECTIONS', DEFAULT_DOWNSTREAM.connections),
      retries: integer(env, 'DOWNSTREAM_RETRIES', DEFAULT_DOWNSTREAM.retries),
      maxResponseBytes: DEFAULT_DOWNSTREAM.maxResponseBytes,
      circuitThreshold: integer(env, 'CIRCUIT_THRESHOLD', DEFAULT_DOWNSTREAM.circuitThreshold),
      circuitCooldownMs: integer(env, 'CIRCUIT_COOLDOWN_MS', DEFAULT_DOWNSTREAM.circuitCooldownMs),
    },
    cache: {
      redisUrl: env.REDIS_URL || null,
      prefix: env.CACHE_PREFIX || DEFAULT_CACHE.prefix,
      l1MaxBytes: integer(env, 'CACHE_L1_MAX_BYTES', DEFAULT_CACHE.l1MaxBytes),
      redisCommandTimeoutMs: integer(env, 'REDIS_COMMAND_TIMEOUT_MS', DEFAULT_CACHE.redisCommandTimeoutMs),
      responseCache: flag(env, 'RESPONSE_CACHE', DEFAULT_CACHE.responseCache),
      entities: flag(env, 'ENTITY_CACHE', DEFAULT_CACHE.entities),
    },
    auth: {
      jwtSecret: jwksUrl ? undefined : (jwtSecret ?? DEVELOPMENT_JWT_SECRET),
      jwksUrl,
      issuer: env.JWT_ISSUER || undefined,
      audience: env.JWT_AUDIENCE || undefined,
      usingDevelopmentSecret: !jwksUrl && !jwtSecret,
    },
    production,
    introspection: flag(env, 'INTROSPECTION', !production),
    playground: flag(env, 'PLAYGROUND', !production),
    logLevel: env.LOG_LEVEL || 'info',
    maxBodyBytes: integer(env, 'MAX_BODY_BYTES', 1024 * 1024),
    maxPageSize: { web: 100, mobile: 20 },
    operationsDir: env.OPERATIONS_DIR || defaultOperationsDir(),
    http: httpOptions(env),
  };
}

/**
 * The repo keeps a copy of the contract's operations (checked against
 * ../shared/contract by test/contract.test.ts), so a deployed gateway has them.
 * Found from the project root, which is where package.json is, whether this
 * file runs from src/ (tests, tsx) or dist/src/ (npm start).
 */
export function defaultOperationsDir(): string {
  return join(projectRoot(), 'operations');
}

export function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${__dirname}.`);
    dir = parent;
  }
  return dir;
}
