/**
 * `createGateway(config)`: the whole gateway as one object that tests build,
 * start on a free port and stop, with nothing global in between.
 *
 * A request's path through the code (README: "A request's path"):
 *   http/server.ts (route) → http/graphqlEndpoint.ts (body, log line)
 *   → graphql/pipeline.ts (Apollo, plugins, graphql-jit) → context/createContext.ts
 *   → resolvers/ (schema per frontend) → domain/ (loaders, commands, batch scheduler)
 *   → cache/ (session, L1, L2) → downstream/*Client.ts (one per service) → downstream/serviceHttp.ts
 * A WebSocket upgrade goes to subscriptions/server.ts instead (README: "Subscriptions").
 *
 * Everything a gateway holds is made here and passed down: no module keeps
 * state of its own, so two gateways in one process never share anything.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EntityCache } from './cache/entityCache';
import { TieredKeyValueStore } from './cache/keyValueStore';
import { RedisTier } from './cache/redisTier';
import { ResponseCache } from './cache/responseCache';
import { appDocumentsDir, FRONTENDS, projectRoot, type Frontend, type GatewayConfig } from './config';
import { authenticatorOf, createTokenVerifier } from './context/auth';
import { contextBuilder, contextFactory, type ContextOptions } from './context/createContext';
import { developmentToken } from './context/developmentToken';
import { createDownstream, type Downstream } from './downstream';
import { createPipeline } from './graphql/pipeline';
import { errorMasking } from './graphql/errorMasking';
import { fieldSuggestionsHider } from './graphql/plugins/fieldSuggestionsPlugin';
import { TrustedDocuments } from './graphql/trustedDocuments';
import { admission } from './http/admission';
import { clientAddress } from './http/clientAddress';
import { createCors } from './http/cors';
import { createGraphQLEndpoint, type GraphQLEndpoint } from './http/graphqlEndpoint';
import { drainServer, pause } from './http/drain';
import { Lifecycle } from './http/lifecycle';
import type { RedisState } from './http/readiness';
import { createLoadShedder } from './http/loadShedding';
import { Metrics } from './http/metrics';
import { loadContractOperations } from './http/operations';
import { createPlaygroundPage } from './http/playground';
import { requestLog } from './http/requestLog';
import { createRouter, serveMetrics } from './http/server';
import { createHttpServer } from './http/serverLimits';
import { createLogger, type Logger } from './logging/logger';
import { perMinuteBudgets, RateLimiter } from './rateLimit/limiter';
import type { RedisTarget } from './redis/connection';
import { buildSchema } from './resolvers';
import { createTracing, type Tracing } from './telemetry/tracing';
import { tracedEndpoint } from './http/tracedEndpoint';
import { upgradeRules } from './http/upgrades';
import { createLive, SubscriptionServer, systemTimers, type FrontendSubscriptions, type Timers } from './subscriptions';

export interface Gateway {
  readonly config: GatewayConfig;
  readonly logger: Logger;
  readonly downstream: Downstream;
  readonly metrics: Metrics;
  readonly cache: EntityCache;
  /** The clients' budgets (README: "Rate limits and cost budgets"). */
  readonly rateLimiter: RateLimiter;
  /** Forgets everything this process has cached (L1, responses); Redis entries stay. For operators and tests. */
  clearLocalCaches(): void;
  /** Resolves once every L2 write, background refresh and rate-limit charge started so far has finished. */
  settled(): Promise<void>;
  /** Starts listening; resolves with the base URL, e.g. http://127.0.0.1:4000. */
  listen(): Promise<string>;
  /** The base URL once listening. */
  readonly url: string;
  /** Starting, serving or draining. */
  readonly lifecycle: Lifecycle;
  /** Subscriptions (README: "Subscriptions"): open sockets, running subscriptions, and those whose feed flows. */
  readonly live: {
    stats(): { sockets: Record<Frontend, number>; subscriptions: Record<string, number> };
    readonly listening: number;
    /** Subscriptions can start now: the live feed (Redis pub/sub, or in process) is up. */
    readonly feedUp: boolean;
  };
  /** Where /metrics is served when METRICS_PORT sets a port of its own (null: on the public port), once listening. */
  readonly metricsUrl: string | null;
  /**
   * Graceful shutdown (SIGTERM): unready at once, serving on for
   * SHUTDOWN_DELAY_MS, then no new connections and the requests in flight
   * finished within SHUTDOWN_TIMEOUT_MS, then everything flushed and closed.
   * A second call returns the same shutdown.
   */
  shutdown(): Promise<void>;
  /** Closes at once (tests, or a second signal): connections are cut. */
  close(): Promise<void>;
}

export interface GatewayDependencies {
  /** A logger to use instead of one built from `config.logLevel` (tests capture lines). */
  logger?: Logger;
  /** The clock of the caches and circuit breakers (ms since epoch); default Date.now. */
  now?: () => number;
  /** Tracing to use instead of one built from `config.tracing` (the caller then shuts it down). */
  tracing?: Tracing;
  /** The clock and timers of subscriptions: token expiry, pings, the stock poller; default the system's (tests drive a manual one). */
  timers?: Timers;
}

export async function createGateway(config: GatewayConfig, deps: GatewayDependencies = {}): Promise<Gateway> {
  // Tracing first: the logger stamps each line with the active trace id. Its export failures
  // are logged by the logger declared next (only ever called later, from an export).
  const ownTracing = deps.tracing ? null : await createTracing(config.tracing, { onExportError: (err, failures) => logger.warn({ err, failures }, 'spans could not be exported') });
  const tracing = deps.tracing ?? ownTracing;
  const logger =
    deps.logger ??
    createLogger(config.logLevel, undefined, { pretty: config.logFormat === 'pretty' });
  if (config.auth.usingDevelopmentSecret) {
    logger.warn('JWT_SECRET and JWKS_URL are unset: tokens are verified with the development secret. Never do this in production.');
  }
  const metrics = new Metrics();
  const lifecycle = new Lifecycle();
  const downstream = createDownstream(
    config.services,
    config.downstream,
    (service, route, outcome, ms) => metrics.recordDownstream(service, route, outcome, ms / 1000),
    deps.now,
    tracing,
    (service, result) => metrics.recordRetry(service, result),
  );
  const verifyToken = createTokenVerifier(config.auth);
  const authenticate = authenticatorOf(verifyToken);

  // The cache: L1 always; L2, shared persisted queries and cross-instance invalidation with Redis.
  const redisTarget: RedisTarget | null = config.cache.redisUrl ? { url: config.cache.redisUrl, cluster: config.cache.redisCluster } : null;
  const redis = redisTarget
    ? new RedisTier({
        target: redisTarget,
        prefix: config.cache.prefix,
        commandTimeoutMs: config.cache.redisCommandTimeoutMs,
        breaker: { threshold: config.cache.redisBreakerThreshold, cooldownMs: config.cache.redisBreakerCooldownMs, ...(deps.now ? { now: deps.now } : {}) },
        tracing,
      })
    : null;
  if (!redis) logger.info('REDIS_URL is unset: caching in this process only (one instance)');
  const cache = new EntityCache({
    l1MaxBytes: config.cache.l1MaxBytes,
    l2: redis,
    logger,
    enabled: config.cache.entities,
    ...(deps.now ? { now: deps.now } : {}),
  });
  // Local copies of persisted queries and whole responses; Redis holds the fleet’s.
  const persistedQueries = new TieredKeyValueStore('apq:', redis, 4 * 1024 * 1024);
  const responses = config.cache.responseCache
    ? new ResponseCache({ redis, log: cache.log, now: cache.now })
    : null;
  const log = requestLog({ logger, metrics });
  // The clients' budgets: the fleet's in Redis, with the cache's URL, prefix, command timeout and breaker.
  const { rateLimits } = config;
  const rateLimiter = new RateLimiter({
    budgets: perMinuteBudgets({ requests: rateLimits.requestsPerMinute, cost: rateLimits.costPerMinute, registrations: rateLimits.apqRegistrationsPerMinute }),
    redis: redisTarget && redis ? { target: redisTarget, prefix: config.cache.prefix, commandTimeoutMs: config.cache.redisCommandTimeoutMs, breaker: redis.breaker } : null,
    now: deps.now ?? Date.now,
    logger,
  });
  // One for both frontends: in-flight requests and the event loop are the process's.
  const shedder = createLoadShedder(config.http.shedding);
  // Live updates: the bus (Redis pub/sub, or in process), the fan-out, the fleet's stock poller.
  const timers = deps.timers ?? systemTimers;
  const live = createLive({
    redis: redisTarget,
    prefix: config.cache.prefix,
    settings: config.subscriptions,
    downstream,
    logger,
    timers,
    metrics: {
      dropped: (field) => metrics.recordSubscriptionDrop(field),
      pollerRun: (outcome) => metrics.recordPollerRun(outcome),
      pollerCall: () => metrics.recordPollerCall(),
    },
  });
  const subscribable = {} as Record<Frontend, FrontendSubscriptions>;

  const endpoints = {} as Record<Frontend, GraphQLEndpoint>;
  const playgrounds: Partial<Record<Frontend, ReturnType<typeof createPlaygroundPage>>> = {};
  const defaultHeaders =
    config.playground && config.auth.usingDevelopmentSecret && config.auth.jwtSecret
      ? JSON.stringify({ Authorization: `Bearer ${await developmentToken('u-0001', config.auth.jwtSecret, 24 * 3600)}` }, null, 2)
      : undefined;
  const trustedCounts = {} as Record<Frontend, number>;
  // Never in production, whatever the config says (loadConfig already refuses DIAGNOSTICS=true there).
  const diagnostics = config.diagnostics && !config.production;
  for (const frontend of FRONTENDS) {
    const schema = buildSchema(frontend);
    const operations = loadContractOperations(config.operationsDir, frontend);
    // Parsed, validated (and below, compiled) once, here: a request never pays for it.
    const trusted = TrustedDocuments.load(frontend, schema, {
      projectRoot: projectRoot(),
      trustedDocumentsDir: config.trustedDocuments.dir,
      // As written, too: the contract's operations and the apps' own documents (their subscriptions).
      sources: [
        ...operations.map((op) => ({ path: `${config.operationsDir}/${frontend}/${op.name}.graphql`, text: op.document })),
        ...loadContractOperations(appDocumentsDir(), frontend).map((d) => ({ path: `documents/${frontend}/${d.name}.graphql`, text: d.document })),
      ],
    });
    trustedCounts[frontend] = trusted.size;
    const contextOptions: ContextOptions = {
      frontend,
      authenticate,
      downstream,
      cache,
      maxPageSize: config.maxPageSize[frontend],
      maxDownstreamKeys: config.resources.maxDownstreamKeys,
      tracing,
      live: live.hub,
    };
    subscribable[frontend] = { schema, trusted, buildContext: contextBuilder(contextOptions) };
    const endpoint = createGraphQLEndpoint({
      frontend,
      pipeline: await createPipeline({
        frontend,
        schema,
        production: config.production,
        introspection: config.introspection,
        logger,
        persistedQueries,
        responses,
        trusted,
        limits: config.limits,
        resources: config.resources,
        rateLimits: { limiter: rateLimiter, apqMaxBytes: rateLimits.apqMaxBytes },
        tracing,
        fastLane: config.trustedDocuments.fastLane ?? true,
        diagnostics,
      }),
      // Diagnostics are for HTTP responses; a subscription's events carry none.
      createContext: contextFactory({ ...contextOptions, diagnostics, trackDependencies: responses !== null }),
      admit: admission({ frontend, trusted, mode: config.trustedDocuments.mode, maxTokens: config.limits.maxTokens, logger, metrics }),
      requestLog: log,
      logger,
      limits: {
        maxBodyBytes: config.maxBodyBytes,
        bodyTimeoutMs: config.http.bodyTimeoutMs,
        requestTimeoutMs: config.requestTimeoutMs,
        maxResponseBytes: config.resources.maxResponseBytes,
      },
      trustProxyHops: config.trustProxyHops,
      chargeUncounted: (client) => void rateLimiter.consume(client, { requests: 1, cost: 0 }),
      shedder,
    });
    // With tracing on, each request runs inside its span (http/tracedEndpoint.ts); off, the endpoint as it is.
    endpoints[frontend] = tracing ? tracedEndpoint(endpoint, tracing, frontend) : endpoint;
    if (config.playground) {
      playgrounds[frontend] = createPlaygroundPage({
        frontend,
        endpointPath: `/graphql/${frontend}`,
        operations,
        ...(defaultHeaders ? { defaultHeaders } : {}),
        diagnostics,
      });
    }
  }
  logger.info(
    { mode: config.trustedDocuments.mode, ...Object.fromEntries(FRONTENDS.map((f) => [f, trustedCounts[f]])) },
    'trusted documents loaded',
  );

  const cors = createCors({ origins: config.http.corsOrigins, maxAgeS: config.http.corsMaxAgeS });
  const subscriptions = new SubscriptionServer({
    frontends: subscribable,
    settings: config.subscriptions,
    mode: config.trustedDocuments.mode,
    limits: config.limits,
    hideSuggestions: config.production ? fieldSuggestionsHider() : null,
    verify: verifyToken,
    rules: upgradeRules({ lifecycle, shedder, cors }),
    addressOf: (req) => clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], config.trustProxyHops),
    maxMessageBytes: config.maxBodyBytes,
    formatError: errorMasking({ production: config.production, logger }).formatError,
    metrics: {
      delivered: (field) => metrics.recordSubscriptionEvent(field),
      rejected: (frontend, reason) => metrics.recordRejection(frontend, reason),
      untrusted: (frontend) => metrics.recordUntrusted(frontend),
    },
    logger,
    timers,
  });
  const redisState = redis ? (): RedisState => (redis.breakerOpen ? 'breaker open' : redis.ready ? 'up' : 'down') : null;
  metrics.observe({
    inFlight: () => shedder.status().inFlight,
    circuits: () => Object.fromEntries(Object.entries(downstream.health()).map(([name, h]) => [name, h.circuit === 'open'])),
    draining: () => lifecycle.draining,
    redisBreakerOpen: () => redis?.breakerOpen ?? false,
    subscriptions: () => subscriptions.stats(),
  });
  const handler = createRouter({
    endpoints,
    playgrounds,
    readiness: { lifecycle, downstream, redis: redisState, shedder },
    metrics: config.metricsPort === null ? metrics : null,
    cors,
    lifecycle,
  });
  const server: Server = createHttpServer({ handler, limits: config.http, logger });
  server.on('upgrade', (req, socket, head) => subscriptions.handleUpgrade(req, socket, head));
  // METRICS_PORT: /metrics on an internal port only, so production need not expose it.
  const metricsServer = config.metricsPort === null ? null : createServer((_req, res) => serveMetrics(metrics, res));
  let url = '';
  let metricsUrl: string | null = null;

  /** Everything but the HTTP server, in order: what requests left behind first, then the connections it used. */
  async function release(): Promise<void> {
    shedder.stop();
    subscriptions.close();
    await live.close();
    await Promise.all(FRONTENDS.map((f) => endpoints[f].stop()));
    await Promise.all([cache.drain(), rateLimiter.settled()]);
    await downstream.close();
    await cache.close();
    rateLimiter.close();
    if (metricsServer) await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
    // Last: the spans of everything above are exported before the gateway is gone.
    await (ownTracing ? ownTracing.shutdown() : tracing?.forceFlush());
    log.flush();
    logger.flush();
  }

  let shuttingDown: Promise<void> | null = null;
  let closed = false;

  return {
    config,
    logger,
    downstream,
    metrics,
    cache,
    rateLimiter,
    settled: async () => {
      await Promise.all([cache.drain(), rateLimiter.settled()]);
    },
    clearLocalCaches() {
      cache.l1.clear();
      persistedQueries.clear();
      responses?.clear();
    },
    get url() {
      return url;
    },
    lifecycle,
    live: {
      stats: () => subscriptions.stats(),
      get listening() {
        return live.hub.listening;
      },
      get feedUp() {
        return live.feedUp;
      },
    },
    get metricsUrl() {
      return metricsUrl;
    },
    async listen() {
      url = await listenOn(server, config.port, config.host);
      if (metricsServer) {
        metricsUrl = await listenOn(metricsServer, config.metricsPort ?? 0, config.host);
        logger.info({ metrics: metricsUrl }, 'metrics listening');
      }
      shedder.startServing();
      lifecycle.serving();
      live.start();
      logger.info({ url }, 'gateway listening');
      return url;
    },
    shutdown() {
      shuttingDown ??= (async () => {
        lifecycle.drain();
        logger.info({ delayMs: config.shutdown.delayMs, timeoutMs: config.shutdown.timeoutMs }, 'draining: /readyz answers 503; serving on while load balancers take this instance out');
        await pause(config.shutdown.delayMs);
        if (closed) return; // closed at once meanwhile (a second signal)
        // WebSockets first: 1001 tells each client to reconnect, which the load balancers now send elsewhere.
        await subscriptions.goAway();
        const drained = await drainServer(server, config.shutdown.timeoutMs);
        if (closed) return;
        closed = true;
        logger.info({ drained }, 'stopped accepting; requests finished: flushing and closing');
        await release();
      })();
      return shuttingDown;
    },
    async close() {
      if (closed) return;
      closed = true;
      // Upgraded sockets are no longer the HTTP server's: cut them, or its close would wait for them.
      subscriptions.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await release();
    },
  };
}

/** Listens and resolves with the URL to reach it (127.0.0.1 for a wildcard host). */
function listenOn(server: Server, port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address() as AddressInfo;
      resolve(`http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${address.port}`);
    });
  });
}
