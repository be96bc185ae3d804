/**
 * Reads the gateway's configuration from the environment (README:
 * "Configuration" has every variable).
 */
import type { ServiceName, ServiceUrls } from '../contract/services';
import { SERVICE_NAMES } from '../contract/services';
import { budget, flag, integer, oneOf, originList, ratio, trustProxy } from './environment';
import {
  DEFAULT_CACHE,
  DEFAULT_DOWNSTREAM,
  DEFAULT_HTTP,
  DEFAULT_LIMITS,
  DEFAULT_RATE_LIMITS,
  DEFAULT_RESOURCES,
  DEFAULT_SHEDDING,
  DEFAULT_SUBSCRIPTIONS,
  DEVELOPMENT_JWT_SECRET,
  type GatewayConfig,
  type HttpOptions,
  type SubscriptionOptions,
} from './options';
import { defaultOperationsDir } from './paths';
import { tracingOptions } from './tracing';

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

/**
 * REDIS_URL: one `redis://` or `rediss://` URL, or with REDIS_CLUSTER=true a
 * comma list of the cluster's seed nodes. Checked at start, so a typo fails
 * the deploy instead of every request.
 */
function redisUrl(env: NodeJS.ProcessEnv): string | null {
  const raw = env.REDIS_URL?.trim();
  if (!raw) return null;
  const cluster = flag(env, 'REDIS_CLUSTER', DEFAULT_CACHE.redisCluster);
  const urls = raw.split(',').map((u) => u.trim()).filter(Boolean);
  if (!cluster && urls.length > 1) {
    throw new Error(`REDIS_URL holds ${urls.length} URLs, which only a Redis Cluster takes: set REDIS_CLUSTER=true, or give one URL; received ${JSON.stringify(raw)}.`);
  }
  for (const url of urls) {
    let protocol = '';
    try {
      protocol = new URL(url).protocol;
    } catch {
      // reported below
    }
    if (protocol !== 'redis:' && protocol !== 'rediss:') {
      throw new Error(`REDIS_URL takes redis:// or rediss:// URLs${cluster ? ', comma-separated' : ''}; received ${JSON.stringify(url)}.`);
    }
  }
  return urls.join(',');
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

/**
 * DIAGNOSTICS: on by default outside production; in production it cannot be
 * turned on. Refused at start rather than ignored: an operator who sets it
 * there expects something no production response will ever carry (every
 * client would see the gateway's routes, timings and cache state).
 */
function diagnostics(env: NodeJS.ProcessEnv, production: boolean): boolean {
  const on = flag(env, 'DIAGNOSTICS', !production);
  if (on && production) {
    throw new Error(
      `DIAGNOSTICS=${env.DIAGNOSTICS} is refused with NODE_ENV=production: diagnostics show every client the gateway's downstream routes, timings and cache state, so production never sends them. Unset DIAGNOSTICS (or set it to false).`,
    );
  }
  return on;
}

function subscriptionOptions(env: NodeJS.ProcessEnv): SubscriptionOptions {
  const d = DEFAULT_SUBSCRIPTIONS;
  const options: SubscriptionOptions = {
    maxPerConnection: integer(env, 'SUBSCRIPTIONS_PER_CONNECTION', d.maxPerConnection),
    maxPerInstance: integer(env, 'SUBSCRIPTIONS_PER_INSTANCE', d.maxPerInstance),
    queueEvents: integer(env, 'SUBSCRIPTION_QUEUE_EVENTS', d.queueEvents),
    maxProducts: integer(env, 'SUBSCRIPTION_MAX_PRODUCTS', d.maxProducts),
    pingIntervalMs: integer(env, 'SUBSCRIPTION_PING_INTERVAL_MS', d.pingIntervalMs),
    connectionInitTimeoutMs: integer(env, 'SUBSCRIPTION_INIT_TIMEOUT_MS', d.connectionInitTimeoutMs),
    pollIntervalMs: integer(env, 'STOCK_POLL_INTERVAL_MS', d.pollIntervalMs),
    pollMaxProducts: integer(env, 'STOCK_POLL_MAX_PRODUCTS', d.pollMaxProducts),
  };
  for (const [name, value] of [
    ['SUBSCRIPTION_QUEUE_EVENTS', options.queueEvents],
    ['SUBSCRIPTION_MAX_PRODUCTS', options.maxProducts],
    ['STOCK_POLL_INTERVAL_MS', options.pollIntervalMs],
  ] as const) {
    if (value === 0) throw new Error(`${name} must be a positive integer; received 0.`);
  }
  // One inventory call per run: the service answers at most 100 SKUs at once.
  if (options.pollMaxProducts < 1 || options.pollMaxProducts > 100) {
    throw new Error(`STOCK_POLL_MAX_PRODUCTS must be 1 to 100 (the inventory's batch limit); received ${options.pollMaxProducts}.`);
  }
  return options;
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
      maxConcurrent: integer(env, 'DOWNSTREAM_MAX_CONCURRENT', integer(env, 'DOWNSTREAM_CONNECTIONS', DEFAULT_DOWNSTREAM.maxConcurrent)),
      maxQueued: integer(env, 'DOWNSTREAM_MAX_QUEUED', DEFAULT_DOWNSTREAM.maxQueued),
      retryBudgetRatio: ratio(env, 'RETRY_BUDGET_RATIO', DEFAULT_DOWNSTREAM.retryBudgetRatio),
      retryBudgetMin: integer(env, 'RETRY_BUDGET_MIN', DEFAULT_DOWNSTREAM.retryBudgetMin),
    },
    cache: {
      redisUrl: redisUrl(env),
      redisCluster: flag(env, 'REDIS_CLUSTER', DEFAULT_CACHE.redisCluster),
      prefix: env.CACHE_PREFIX || DEFAULT_CACHE.prefix,
      l1MaxBytes: integer(env, 'CACHE_L1_MAX_BYTES', DEFAULT_CACHE.l1MaxBytes),
      redisCommandTimeoutMs: integer(env, 'REDIS_COMMAND_TIMEOUT_MS', DEFAULT_CACHE.redisCommandTimeoutMs),
      redisBreakerThreshold: integer(env, 'REDIS_BREAKER_THRESHOLD', DEFAULT_CACHE.redisBreakerThreshold),
      redisBreakerCooldownMs: integer(env, 'REDIS_BREAKER_COOLDOWN_MS', DEFAULT_CACHE.redisBreakerCooldownMs),
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
    requestTimeoutMs: integer(env, 'REQUEST_TIMEOUT_MS', 10_000),
    metricsPort: env.METRICS_PORT ? integer(env, 'METRICS_PORT', 0) : null,
    shutdown: {
      delayMs: integer(env, 'SHUTDOWN_DELAY_MS', production ? 5000 : 0),
      timeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 20_000),
    },
    production,
    introspection: flag(env, 'INTROSPECTION', !production),
    playground: flag(env, 'PLAYGROUND', !production),
    diagnostics: diagnostics(env, production),
    logLevel: env.LOG_LEVEL || 'info',
    logFormat: oneOf(env, 'LOG_FORMAT', ['json', 'pretty'] as const, production ? 'json' : 'pretty'),
    tracing: tracingOptions(env),
    maxBodyBytes: integer(env, 'MAX_BODY_BYTES', 1024 * 1024),
    maxPageSize: { web: 100, mobile: 20 },
    operationsDir: env.OPERATIONS_DIR || defaultOperationsDir(),
    trustedDocuments: {
      mode: oneOf(env, 'TRUSTED_DOCUMENTS', ['enforce', 'log', 'off'] as const, production ? 'enforce' : 'off'),
      dir: env.TRUSTED_DOCUMENTS_DIR || undefined,
      fastLane: flag(env, 'FAST_LANE', true),
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
    http: httpOptions(env),
    subscriptions: subscriptionOptions(env),
  };
}
