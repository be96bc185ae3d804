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

/** Which documents a frontend runs (src/graphql/documentAdmission.ts). */
export type TrustedDocumentsMode = 'enforce' | 'log' | 'off';

export interface TrustedDocumentsOptions {
  /**
   * `enforce`: only documents of the frontend's manifests run, and no new
   * persisted queries can be registered; `log`: anything runs, untrusted
   * documents are logged and counted; `off`: anything runs. Default: enforce
   * in production, off otherwise.
   */
  mode: TrustedDocumentsMode;
  /** Extra manifests, `<dir>/<frontend>/*.json` (the next app version's), read at start. Default none. */
  dir: string | undefined;
}

/**
 * Bounds on documents that are not trusted (trusted ones were checked when
 * the gateway started), checked before execution. 0 turns a bound off.
 */
export interface OperationLimits {
  /** Deepest field nesting. Default 12. */
  maxDepth: number;
  /** Aliased fields, fragments included. Default 30. */
  maxAliases: number;
  /** Fields selected on the root type. Default 10. */
  maxRootFields: number;
  /** Directives used in the document. Default 20. */
  maxDirectives: number;
  /** Fragment spreads, counted where they are spread. Default 50. */
  maxFragmentSpreads: number;
  /** Lexical tokens: a longer document is refused while it is parsed, before any AST exists. Default 2000. */
  maxTokens: number;
  /** Estimated cost (@cost weights × @listSize sizes). Default 5000. */
  maxCost: number;
}

/** Bounds that hold during execution, even for a document within its limits. */
export interface ResourceLimits {
  /** Distinct keys one request may send downstream (cache misses included, L1 hits not). Default 2000. */
  maxDownstreamKeys: number;
  /** Bytes of one response body. Default 4 MiB. */
  maxResponseBytes: number;
  /** Fields of a document (fragments expanded) above which it runs on graphql-js instead of being compiled. Default 2000. */
  maxCompiledFields: number;
  /** Compiled documents kept per frontend. Default 500. */
  compiledDocuments: number;
}

/** Budgets per client (README: "Rate limits and cost budgets"); a client is its signed-in user, else its IP. */
export interface RateLimitOptions {
  /** Requests a client may send per minute; null = no budget. Default null: rate limits usually sit at the edge, the operator turns this on. */
  requestsPerMinute: number | null;
  /** Estimated operation cost a client may spend per minute; null = no budget. Default null. */
  costPerMinute: number | null;
  /** Persisted-query registrations a client may make per minute; null = no budget. Default 30, so no client can fill Redis. */
  apqRegistrationsPerMinute: number | null;
  /** Largest query text (UTF-8 bytes) a persisted-query registration may store; 0 = no cap. Default 16384. */
  apqMaxBytes: number;
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
  rateLimits: RateLimitOptions;
  /**
   * Proxies in front of the gateway that append to X-Forwarded-For: the client
   * is the N-th entry from the right. 0 = the header is ignored and the
   * socket's address is the client. Default 0.
   */
  trustProxyHops: number;
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
  trustedDocuments: TrustedDocumentsOptions;
  limits: OperationLimits;
  resources: ResourceLimits;
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

export const DEFAULT_LIMITS: OperationLimits = {
  maxDepth: 12,
  maxAliases: 30,
  maxRootFields: 10,
  maxDirectives: 20,
  maxFragmentSpreads: 50,
  maxTokens: 2000,
  maxCost: 5000,
};

export const DEFAULT_RESOURCES: ResourceLimits = {
  maxDownstreamKeys: 2000,
  maxResponseBytes: 4 * 1024 * 1024,
  maxCompiledFields: 2000,
  compiledDocuments: 500,
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

export const DEFAULT_RATE_LIMITS: RateLimitOptions = {
  requestsPerMinute: null,
  costPerMinute: null,
  apqRegistrationsPerMinute: 30,
  apqMaxBytes: 16 * 1024,
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

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  return raw === 'true' || raw === '1';
}

/** A per-minute budget: unset = `fallback`, 0 = none. */
function budget(env: NodeJS.ProcessEnv, name: string, fallback: number | null): number | null {
  return env[name] === undefined || env[name] === '' ? fallback : integer(env, name, 0) || null;
}

/** TRUST_PROXY: `false`/`0`/unset = 0 hops, `true` = 1, or a hop count. */
function trustProxy(env: NodeJS.ProcessEnv): number {
  const raw = env.TRUST_PROXY;
  if (raw === undefined || raw === '' || raw === 'false') return 0;
  if (raw === 'true') return 1;
  if (!/^\d+$/.test(raw)) throw new Error(`TRUST_PROXY must be true, false or a number of proxies; received ${JSON.stringify(raw)}.`);
  return Number(raw);
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
    rateLimits: {
      requestsPerMinute: budget(env, 'RATE_LIMIT_PER_MINUTE', DEFAULT_RATE_LIMITS.requestsPerMinute),
      costPerMinute: budget(env, 'COST_LIMIT_PER_MINUTE', DEFAULT_RATE_LIMITS.costPerMinute),
      apqRegistrationsPerMinute: budget(env, 'APQ_REGISTRATIONS_PER_MINUTE', DEFAULT_RATE_LIMITS.apqRegistrationsPerMinute),
      apqMaxBytes: integer(env, 'APQ_MAX_BYTES', DEFAULT_RATE_LIMITS.apqMaxBytes),
    },
    trustProxyHops: trustProxy(env),
    production,
    introspection: flag(env, 'INTROSPECTION', !production),
    playground: flag(env, 'PLAYGROUND', !production),
    logLevel: env.LOG_LEVEL || 'info',
    maxBodyBytes: integer(env, 'MAX_BODY_BYTES', 1024 * 1024),
    maxPageSize: { web: 100, mobile: 20 },
    operationsDir: env.OPERATIONS_DIR || defaultOperationsDir(),
    trustedDocuments: {
      mode: oneOf(env, 'TRUSTED_DOCUMENTS', ['enforce', 'log', 'off'] as const, production ? 'enforce' : 'off'),
      dir: env.TRUSTED_DOCUMENTS_DIR || undefined,
    },
    limits: {
      maxDepth: integer(env, 'MAX_DEPTH', DEFAULT_LIMITS.maxDepth),
      maxAliases: integer(env, 'MAX_ALIASES', DEFAULT_LIMITS.maxAliases),
      maxRootFields: integer(env, 'MAX_ROOT_FIELDS', DEFAULT_LIMITS.maxRootFields),
      maxDirectives: integer(env, 'MAX_DIRECTIVES', DEFAULT_LIMITS.maxDirectives),
      maxFragmentSpreads: integer(env, 'MAX_FRAGMENT_SPREADS', DEFAULT_LIMITS.maxFragmentSpreads),
      maxTokens: integer(env, 'MAX_TOKENS', DEFAULT_LIMITS.maxTokens),
      maxCost: integer(env, 'MAX_COST', DEFAULT_LIMITS.maxCost),
    },
    resources: {
      maxDownstreamKeys: integer(env, 'MAX_DOWNSTREAM_KEYS', DEFAULT_RESOURCES.maxDownstreamKeys),
      maxResponseBytes: integer(env, 'MAX_RESPONSE_BYTES', DEFAULT_RESOURCES.maxResponseBytes),
      maxCompiledFields: integer(env, 'MAX_COMPILED_FIELDS', DEFAULT_RESOURCES.maxCompiledFields),
      compiledDocuments: integer(env, 'COMPILED_DOCUMENTS', DEFAULT_RESOURCES.compiledDocuments),
    },
  };
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, values: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(values as readonly string[]).includes(raw)) {
    throw new Error(`${name} must be one of ${values.join(', ')}; received ${JSON.stringify(raw)}.`);
  }
  return raw as T;
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
