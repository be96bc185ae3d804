/**
 * What can be configured, section by section, with each setting's default.
 */
import type { ServiceUrls } from '../contract/services';

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
  /** Calls in flight per service (the bulkhead; beyond it they wait for a slot); 0 = no bound. Default 32, the pool's connections. */
  maxConcurrent: number;
  /** Calls that may wait for a slot per service; beyond, a call fails at once (DOWNSTREAM_UNAVAILABLE). Default 1000: a burst of hundreds of requests waits, a stuck service's backlog does not grow without end. */
  maxQueued: number;
  /** Retries a service may get per call over a 10 s window (a retry budget), besides `retryBudgetMin`. Default 0.1. */
  retryBudgetRatio: number;
  /** Retries a service may get per 10 s whatever its traffic. Default 5. */
  retryBudgetMin: number;
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
  /**
   * Redis for L2, persisted queries and invalidation; null = in-process memory only (one instance).
   * With `redisCluster`, a comma list of seed nodes (`redis://10.0.0.1:6379,redis://10.0.0.2:6379`).
   */
  redisUrl: string | null;
  /** REDIS_CLUSTER: `redisUrl` names seed nodes of a Redis Cluster (src/redis/connection.ts). Default false. */
  redisCluster: boolean;
  /** Prefix of every Redis key and channel. Default `bff:`. */
  prefix: string;
  /** Heap bytes L1 may take per process (entries weighed at 3× their JSON). Default 48 MiB. */
  l1MaxBytes: number;
  /** Longest a Redis command may take before the cache treats it as a miss. Default 50 ms. */
  redisCommandTimeoutMs: number;
  /**
   * Consecutive Redis round trips without an answer (timeouts, lost connections) after which Redis is
   * skipped, as if it were down, for `redisBreakerCooldownMs` (cache/redisBreaker.ts); 0 = never. Default 3.
   */
  redisBreakerThreshold: number;
  /** Milliseconds Redis is skipped once the breaker opens, before one trial command. Default 5000. */
  redisBreakerCooldownMs: number;
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
  /**
   * Run requests for trusted documents in the fast lane (graphql/fastLane/):
   * same responses, without Apollo's per-request work. FAST_LANE=false sends
   * every request through Apollo. Default on (undefined: on).
   */
  fastLane?: boolean;
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
  /** Distinct keys one request may send downstream (cache misses included, L1 hits not); 0 turns the bound off. Default 2000. */
  maxDownstreamKeys: number;
  /** Bytes of one response body; 0 turns the bound off. Default 4 MiB. */
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

export interface ShutdownOptions {
  /** How long the instance keeps serving, unready, after the signal, so load balancers take it out. Default 5000 in production, 0 otherwise. */
  delayMs: number;
  /** How long it then waits for requests in flight before closing their connections. Default 20000. */
  timeoutMs: number;
}

/**
 * Subscriptions over WebSocket and the stock poller (README: "Subscriptions").
 * Why these bounds: a socket lives for hours, so everything it may hold is
 * capped (subscriptions, queued events), and a client that stops reading
 * costs a bounded queue, never the instance's memory.
 */
export interface SubscriptionOptions {
  /** Subscriptions one WebSocket connection may run at once. Default 20. */
  maxPerConnection: number;
  /** Subscriptions one instance runs at once, over all its connections. Default 10000. */
  maxPerInstance: number;
  /** Events one subscription keeps while its client reads slower than they come; beyond, the oldest is dropped (and counted). Default 100. */
  queueEvents: number;
  /** Products one `stockChanged` subscription may watch. Default 50. */
  maxProducts: number;
  /** Milliseconds between two pings of each socket; a peer that has not answered the previous ping by then is dropped. Default 15000. */
  pingIntervalMs: number;
  /** Milliseconds a new socket has to send connection_init (then 4408). Default 3000. */
  connectionInitTimeoutMs: number;
  /** Milliseconds between two runs of the fleet's stock poller (one inventory call per run). Default 5000, the stock's max-age. */
  pollIntervalMs: number;
  /** Products the poller reads per run: one inventory call, the service's batch limit; more watched products are read in turn. Default 100. */
  pollMaxProducts: number;
}

/** The OpenTelemetry sampler (OTEL_TRACES_SAMPLER): which requests' spans are recorded and exported. */
export type TracesSampler =
  | 'always_on'
  | 'always_off'
  | 'traceidratio'
  | 'parentbased_always_on'
  | 'parentbased_always_off'
  | 'parentbased_traceidratio';

/**
 * Tracing with OpenTelemetry (README: "Tracing"): off unless an OTLP
 * endpoint is set. What the recorder reads from the environment by itself
 * (telemetry/exporterSettings.ts: exporter headers, timeout, compression,
 * TLS files, batch sizes, span limits, OTEL_RESOURCE_ATTRIBUTES) is not
 * repeated here; these are the
 * settings the gateway itself needs, or that tests set per gateway.
 */
export interface TracingOptions {
  /** Where spans are POSTed (OTLP/HTTP, JSON), e.g. `http://collector:4318/v1/traces`; null = tracing off. Default null. */
  endpoint: string | null;
  /** `service.name` of every span. Default `storefront-bff-gateway`. */
  serviceName: string;
  /** Adopt a client's `traceparent`/`tracestate` (true), or start a new trace for every request (false). Default false. */
  trustIncoming: boolean;
  /** Default `parentbased_always_on`: every request, unless a trusted parent says it is not sampled. */
  sampler: TracesSampler;
  /** Probability (0..1) of the `*traceidratio` samplers. Default 1. */
  samplerRatio: number;
  /** Milliseconds between two exports of the finished spans (OTEL_BSP_SCHEDULE_DELAY). Default 5000. */
  scheduleDelayMs: number;
}

/** How log lines are written: one JSON object per line, or pino-pretty's human-readable lines. */
export type LogFormat = 'json' | 'pretty';

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
  /** The deadline of a whole GraphQL request, in ms: each downstream call's timeout is the lesser of its own and the time left. Default 10000. */
  requestTimeoutMs: number;
  /** Serve `/metrics` on this port (an internal one) instead of the public one; null: on the public port. Default null. */
  metricsPort: number | null;
  /** Graceful shutdown on SIGTERM/SIGINT (README: "Running in production"). */
  shutdown: ShutdownOptions;
  /** `production` masks internal errors and turns introspection and the playground off. */
  production: boolean;
  /** Introspection on? Default: off in production, on otherwise. */
  introspection: boolean;
  /** Playground (GraphiQL) on browser GETs? Default: off in production, on otherwise. */
  playground: boolean;
  /**
   * `extensions.diagnostics` on every GraphQL response (each downstream call,
   * the cache's answers, the critical path, the cost). Default: on, except in
   * production, where it can never be on (loadConfig refuses DIAGNOSTICS=true,
   * and the gateway ignores it with `production`).
   */
  diagnostics: boolean;
  /** pino level; `silent` in tests. Default `info`. */
  logLevel: string;
  /** Default: `json` in production, `pretty` otherwise (LOG_FORMAT overrides). */
  logFormat: LogFormat;
  tracing: TracingOptions;
  /** Largest POST body accepted, in bytes. Default 1 MiB. */
  maxBodyBytes: number;
  /** Largest page a client may ask for, per frontend. Default web 100, mobile 20. */
  maxPageSize: Record<Frontend, number>;
  /** Directory holding the contract operations shown in the playground. */
  operationsDir: string;
  trustedDocuments: TrustedDocumentsOptions;
  limits: OperationLimits;
  resources: ResourceLimits;
  /** Slow-client deadlines, head size, connection cap, keep-alive, CORS, load shedding. Default DEFAULT_HTTP. */
  http: HttpOptions;
  /** Subscriptions over WebSocket and the stock poller. Default DEFAULT_SUBSCRIPTIONS. */
  subscriptions: SubscriptionOptions;
}

/** Known only so `npm run token` and the demo shop work with nothing configured. */
export const DEVELOPMENT_JWT_SECRET = 'storefront-development-secret-do-not-use-in-production';

export const DEFAULT_CACHE: CacheOptions = {
  redisUrl: null,
  redisCluster: false,
  prefix: 'bff:',
  l1MaxBytes: 48 * 1024 * 1024,
  redisCommandTimeoutMs: 50,
  redisBreakerThreshold: 3,
  redisBreakerCooldownMs: 5000,
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
  maxConcurrent: 32,
  maxQueued: 1000,
  retryBudgetRatio: 0.1,
  retryBudgetMin: 5,
};

export const DEFAULT_RATE_LIMITS: RateLimitOptions = {
  requestsPerMinute: null,
  costPerMinute: null,
  apqRegistrationsPerMinute: 30,
  apqMaxBytes: 16 * 1024,
};

export const DEFAULT_TRACING: TracingOptions = {
  endpoint: null,
  serviceName: 'storefront-bff-gateway',
  trustIncoming: false,
  sampler: 'parentbased_always_on',
  samplerRatio: 1,
  scheduleDelayMs: 5000,
};

export const DEFAULT_SHEDDING: SheddingOptions = {
  maxInFlight: 400,
  maxEventLoopDelayMs: 1000,
  eventLoopWindowMs: 1000,
  retryAfterS: 1,
  unreadyAfterMs: 0,
};

export const DEFAULT_SUBSCRIPTIONS: SubscriptionOptions = {
  maxPerConnection: 20,
  maxPerInstance: 10_000,
  queueEvents: 100,
  maxProducts: 50,
  pingIntervalMs: 15_000,
  connectionInitTimeoutMs: 3000,
  pollIntervalMs: 5000,
  pollMaxProducts: 100,
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
