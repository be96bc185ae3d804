/**
 * `/metrics`: prom-client's default process and Node series under their
 * standard names (no prefix, so stock Grafana dashboards read them), and the
 * gateway's own, following Prometheus conventions: base units (seconds,
 * bytes), `_total` counters, bounded labels. The list is
 * deploy/metrics.md; the dashboard and alert rules in deploy/ use it, and a
 * test checks they name nothing else.
 *
 * One registry per gateway, never prom-client's global one, so two gateways
 * in one process (tests) never share a series. Recording is on the request
 * path, so label sets are looked up once and their series kept
 * (metricSeries.ts): a request costs a handful of Map lookups and additions,
 * and the text is rendered only when scraped. Gauges of state the gateway already keeps (in flight,
 * circuits, Redis, draining) are read at scrape time.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { CounterSeries, HistogramSeries } from './metricSeries';

/** Seconds: from a warm hit (a few ms) to a request at its deadline (10 s). */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Cache lookups of one request, by entity family and tier (cache/cacheSession.ts). */
export type CacheTier = 'l1' | 'l2' | 'miss' | 'stale' | 'stale_if_error';

/** A series of a counter or histogram, its labels bound (metricSeries.ts). */
type Child = CounterSeries | HistogramSeries;

/** What the scrape-time gauges read. */
export interface GaugeSources {
  inFlight?: () => number;
  circuits?: () => Record<string, boolean>;
  redisBreakerOpen?: () => boolean;
  draining?: () => boolean;
  /** Open WebSocket connections per frontend, running subscriptions per root field. */
  subscriptions?: () => { sockets: Record<string, number>; subscriptions: Record<string, number> };
}

export interface MetricsOptions {
  /** prom-client's process and Node series (event loop, GC, heap, CPU). Default true. */
  defaultMetrics?: boolean;
}

export class Metrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'frontend' | 'operation' | 'status'>;
  private readonly requestDuration: Histogram<'frontend' | 'operation'>;
  private readonly downstreamCalls: Counter<'service' | 'route' | 'outcome'>;
  private readonly downstreamDuration: Histogram<'service' | 'route'>;
  private readonly requestDownstreamCalls: Counter;
  private readonly aborted: Counter<'service'>;
  private readonly retries: Counter<'service' | 'result'>;
  private readonly cacheLookups: Counter<'family' | 'tier'>;
  private readonly responseCache: Counter<'outcome'>;
  private readonly redisRoundTrips: Counter<'kind'>;
  private readonly redisErrors: Counter;
  private readonly rejections: Counter<'frontend' | 'reason'>;
  private readonly untrusted: Counter<'frontend'>;
  private readonly subscriptionEvents: Counter<'field'>;
  private readonly subscriptionDrops: Counter<'field'>;
  private readonly pollerRuns: Counter<'outcome'>;
  private readonly pollerCalls: Counter;
  private readonly children = new Map<object, Map<string, Child>>();
  private readonly familySeries = new Map<string, Map<CacheTier, CounterSeries>>();
  private sources: GaugeSources = {};

  constructor(options: MetricsOptions = {}) {
    const registers = [this.registry];
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({ name: 'gateway_requests_total', help: 'GraphQL HTTP requests, by frontend, operation (a trusted operation\'s name, else "other") and status.', labelNames: ['frontend', 'operation', 'status'], registers });
    this.requestDuration = new Histogram({ name: 'gateway_request_duration_seconds', help: 'GraphQL HTTP request duration, arrival to last byte, in seconds.', labelNames: ['frontend', 'operation'], buckets: DURATION_BUCKETS, registers });
    this.downstreamCalls = new Counter({ name: 'gateway_downstream_calls_total', help: 'Downstream calls, by service, route and outcome (an HTTP status, or timeout, unreachable, payload, circuit, bulkhead, aborted, deadline).', labelNames: ['service', 'route', 'outcome'], registers });
    this.downstreamDuration = new Histogram({ name: 'gateway_downstream_call_duration_seconds', help: 'Downstream call duration in seconds, retries included.', labelNames: ['service', 'route'], buckets: DURATION_BUCKETS, registers });
    this.requestDownstreamCalls = new Counter({ name: 'gateway_request_downstream_calls_total', help: 'Downstream calls made on behalf of requests (background refreshes excluded).', registers });
    this.aborted = new Counter({ name: 'gateway_downstream_calls_aborted_total', help: 'Downstream calls cancelled because no request waited for them any more (a client that went away, a parent that failed).', labelNames: ['service'], registers });
    this.retries = new Counter({ name: 'gateway_downstream_retries_total', help: 'Retries of idempotent downstream reads: sent, or refused by the service\'s retry budget.', labelNames: ['service', 'result'], registers });
    this.cacheLookups = new Counter({ name: 'gateway_cache_lookups_total', help: 'Entity cache lookups by family and tier (l1, l2, miss, stale, stale_if_error).', labelNames: ['family', 'tier'], registers });
    this.responseCache = new Counter({ name: 'gateway_response_cache_total', help: 'Whole-response cache outcomes (hit, miss, bypass).', labelNames: ['outcome'], registers });
    this.redisRoundTrips = new Counter({ name: 'gateway_redis_roundtrips_total', help: 'Redis pipelines sent by requests, by kind (read, write).', labelNames: ['kind'], registers });
    this.redisErrors = new Counter({ name: 'gateway_redis_errors_total', help: 'Redis pipelines of requests that failed or timed out.', registers });
    this.rejections = new Counter({ name: 'gateway_rejections_total', help: 'Requests refused by a protection, by frontend and reason (an operation limit, untrusted, a rate budget, overloaded, response_bytes).', labelNames: ['frontend', 'reason'], registers });
    this.untrusted = new Counter({ name: 'gateway_untrusted_documents_total', help: 'Untrusted documents run (TRUSTED_DOCUMENTS=log), by frontend.', labelNames: ['frontend'], registers });
    this.subscriptionEvents = new Counter({ name: 'gateway_subscription_events_total', help: 'Subscription events resolved and handed to their WebSocket, by root field.', labelNames: ['field'], registers });
    this.subscriptionDrops = new Counter({ name: 'gateway_subscription_events_dropped_total', help: "Subscription events dropped, the oldest first, because their client's queue was full (it read too slowly), by root field.", labelNames: ['field'], registers });
    this.pollerRuns = new Counter({ name: 'gateway_stock_poller_runs_total', help: "Intervals of the fleet's stock poller on this instance, by outcome (polled, idle: nothing watched, standby: another instance holds the lock, failed).", labelNames: ['outcome'], registers });
    this.pollerCalls = new Counter({ name: 'gateway_stock_poller_calls_total', help: 'Inventory calls the stock poller made on this instance (one per polled interval).', registers });
    const sources = () => this.sources;
    new Gauge({ name: 'gateway_requests_in_flight', help: 'GraphQL requests being served now.', registers, collect() { this.set(sources().inFlight?.() ?? 0); } });
    new Gauge({
      name: 'gateway_circuit_open',
      help: "1 while a downstream service's circuit is open (its calls fail at once).",
      labelNames: ['service'],
      registers,
      collect() {
        for (const [service, open] of Object.entries(sources().circuits?.() ?? {})) this.set({ service }, open ? 1 : 0);
      },
    });
    new Gauge({ name: 'gateway_redis_breaker_open', help: "1 while Redis is skipped after repeated failures (the gateway serves from L1 and the services).", registers, collect() { this.set(sources().redisBreakerOpen?.() ? 1 : 0); } });
    new Gauge({
      name: 'gateway_subscription_sockets',
      help: 'Open WebSocket connections (subscriptions), by frontend.',
      labelNames: ['frontend'],
      registers,
      collect() {
        for (const [frontend, open] of Object.entries(sources().subscriptions?.().sockets ?? {})) this.set({ frontend }, open);
      },
    });
    new Gauge({
      name: 'gateway_subscriptions_active',
      help: 'Subscriptions running now, by root field.',
      labelNames: ['field'],
      registers,
      collect() {
        for (const [field, running] of Object.entries(sources().subscriptions?.().subscriptions ?? {})) this.set({ field }, running);
      },
    });
    new Gauge({ name: 'gateway_draining', help: '1 once the instance is shutting down (readiness 503, finishing its requests).', registers, collect() { this.set(sources().draining?.() ? 1 : 0); } });
  }

  /** Where the scrape-time gauges read from, once the gateway has built it. */
  observe(sources: GaugeSources): void {
    this.sources = { ...this.sources, ...sources };
  }

  recordRequest(frontend: string, operation: string, status: number, seconds: number, downstreamCalls: number): void {
    this.counter(this.requests, frontend, operation, String(status)).inc();
    this.histogram(this.requestDuration, frontend, operation).observe(seconds);
    if (downstreamCalls > 0) this.requestDownstreamCalls.inc(downstreamCalls);
  }

  recordDownstream(service: string, route: string, outcome: string, seconds: number): void {
    this.counter(this.downstreamCalls, service, route, outcome).inc();
    this.histogram(this.downstreamDuration, service, route).observe(seconds);
    if (outcome === 'aborted') this.counter(this.aborted, service).inc();
  }

  recordRetry(service: string, result: 'sent' | 'budget_exhausted'): void {
    this.counter(this.retries, service, result).inc();
  }

  /** One request's lookups of one entity family, by tier (the family's series are looked up once, not once per tier and request). */
  recordCacheLookups(family: string, lookups: { l1: number; l2: number; miss: number; stale: number; staleIfError: number }): void {
    let series = this.familySeries.get(family);
    if (!series) this.familySeries.set(family, (series = new Map()));
    this.countLookups(series, family, 'l1', lookups.l1);
    this.countLookups(series, family, 'l2', lookups.l2);
    this.countLookups(series, family, 'miss', lookups.miss - lookups.staleIfError);
    this.countLookups(series, family, 'stale', lookups.stale);
    this.countLookups(series, family, 'stale_if_error', lookups.staleIfError);
  }

  recordRequestCache(redis: { reads: number; writes: number; errors: number }, response: 'hit' | 'miss' | 'bypass'): void {
    if (redis.reads > 0) this.counter(this.redisRoundTrips, 'read').inc(redis.reads);
    if (redis.writes > 0) this.counter(this.redisRoundTrips, 'write').inc(redis.writes);
    if (redis.errors > 0) this.redisErrors.inc(redis.errors);
    this.counter(this.responseCache, response).inc();
  }

  recordRejection(frontend: string, reason: string): void {
    this.counter(this.rejections, frontend, reason).inc();
  }

  recordUntrusted(frontend: string): void {
    this.counter(this.untrusted, frontend).inc();
  }

  recordSubscriptionEvent(field: string): void {
    this.counter(this.subscriptionEvents, field).inc();
  }

  recordSubscriptionDrop(field: string): void {
    this.counter(this.subscriptionDrops, field).inc();
  }

  recordPollerRun(outcome: string): void {
    this.counter(this.pollerRuns, outcome).inc();
  }

  recordPollerCall(): void {
    this.pollerCalls.inc();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  private countLookups(series: Map<CacheTier, CounterSeries>, family: string, tier: CacheTier, count: number): void {
    if (count <= 0) return;
    let child = series.get(tier);
    if (!child) series.set(tier, (child = this.counter(this.cacheLookups, family, tier)));
    child.inc(count);
  }

  /** The counter's series of these label values, made once. */
  private counter(metric: Counter<string>, ...values: string[]): CounterSeries {
    return this.series(metric, values, CounterSeries);
  }

  /** The histogram's series of these label values, made once. */
  private histogram(metric: Histogram<string>, ...values: string[]): HistogramSeries {
    return this.series(metric, values, HistogramSeries);
  }

  private series<M extends Counter<string> | Histogram<string>, S extends Child>(metric: M, values: string[], Series: new (metric: M, labelNames: readonly string[], values: readonly string[]) => S): S {
    const series = this.seriesOf(metric);
    const key = keyOf(values);
    let child = series.get(key);
    if (!child) series.set(key, (child = new Series(metric, labelNamesOf(metric), values)));
    return child as S;
  }

  private seriesOf(metric: object): Map<string, Child> {
    let series = this.children.get(metric);
    if (!series) this.children.set(metric, (series = new Map()));
    return series;
  }
}

const keyOf = (values: readonly string[]): string => (values.length === 1 ? (values[0] as string) : values.join('\u0000'));

/** The label names a metric was declared with (prom-client keeps them as `labelNames`). */
function labelNamesOf(metric: Counter<string> | Histogram<string>): readonly string[] {
  return (metric as unknown as { labelNames: readonly string[] }).labelNames;
}
