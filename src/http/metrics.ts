/**
 * `/metrics` in the Prometheus text format, without a metrics library.
 *
 * The gateway needs a handful of series: requests by frontend and status,
 * their duration, and downstream calls by service and outcome. Counters live
 * in Maps keyed by their label string, so recording is one Map update on the
 * request path, and the text is rendered only when scraped.
 */
const DURATION_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000];

class Histogram {
  readonly counts = new Array<number>(DURATION_BUCKETS_MS.length + 1).fill(0);
  sum = 0;
  count = 0;

  observe(ms: number): void {
    let i = 0;
    while (i < DURATION_BUCKETS_MS.length && ms > (DURATION_BUCKETS_MS[i] as number)) i++;
    this.counts[i] = (this.counts[i] as number) + 1;
    this.sum += ms;
    this.count++;
  }
}

export class Metrics {
  private readonly requests = new Map<string, number>();
  private readonly requestDuration = new Map<string, Histogram>();
  private readonly downstream = new Map<string, number>();
  private readonly downstreamDuration = new Map<string, Histogram>();
  /** Cache work, summed over requests: hits by tier, misses, Redis round trips. */
  private readonly cache = { l1Hits: 0, l2Hits: 0, misses: 0, stale: 0, staleIfError: 0, redisReads: 0, redisWrites: 0, redisErrors: 0 };
  private readonly responseCache = { hit: 0, miss: 0, bypass: 0 };
  /** Downstream calls made on behalf of requests (background refreshes are not). */
  private requestDownstreamCalls = 0;
  /** Untrusted documents run in TRUSTED_DOCUMENTS=log mode, by frontend. */
  private readonly untrusted = new Map<string, number>();

  recordUntrusted(frontend: string): void {
    const key = `frontend="${frontend}"`;
    this.untrusted.set(key, (this.untrusted.get(key) ?? 0) + 1);
  }

  recordRequest(frontend: string, status: number, ms: number, downstreamCalls = 0): void {
    this.requestDownstreamCalls += downstreamCalls;
    const key = `frontend="${frontend}",status="${status}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    histogram(this.requestDuration, `frontend="${frontend}"`).observe(ms);
  }

  recordDownstream(service: string, route: string, outcome: string, ms: number): void {
    const key = `service="${service}",route="${route}",outcome="${outcome}"`;
    this.downstream.set(key, (this.downstream.get(key) ?? 0) + 1);
    histogram(this.downstreamDuration, `service="${service}"`).observe(ms);
  }

  recordCache(stats: { l1Hits: number; l2Hits: number; misses: number; stale: number; redisReads: number; redisWrites: number; redisErrors: number }, staleIfError: number, response: 'hit' | 'miss' | 'bypass'): void {
    const c = this.cache;
    c.l1Hits += stats.l1Hits;
    c.l2Hits += stats.l2Hits;
    c.misses += stats.misses;
    c.stale += stats.stale;
    c.staleIfError += staleIfError;
    c.redisReads += stats.redisReads;
    c.redisWrites += stats.redisWrites;
    c.redisErrors += stats.redisErrors;
    this.responseCache[response]++;
  }

  render(): string {
    const lines: string[] = [];
    counter(lines, 'gateway_requests_total', 'GraphQL HTTP requests by frontend and status.', this.requests);
    histogramText(lines, 'gateway_request_duration_ms', 'GraphQL request duration in milliseconds.', this.requestDuration);
    counter(lines, 'gateway_downstream_calls_total', 'Downstream calls by service, route and outcome.', this.downstream);
    histogramText(lines, 'gateway_downstream_duration_ms', 'Downstream call duration in milliseconds.', this.downstreamDuration);
    counter(lines, 'gateway_untrusted_documents_total', 'Untrusted documents run (TRUSTED_DOCUMENTS=log), by frontend.', this.untrusted);
    lines.push('# HELP gateway_request_downstream_calls_total Downstream calls made on behalf of requests (background refreshes excluded).', '# TYPE gateway_request_downstream_calls_total counter');
    lines.push(`gateway_request_downstream_calls_total ${this.requestDownstreamCalls}`);
    lines.push('# HELP gateway_cache_lookups_total Entity cache lookups by result.', '# TYPE gateway_cache_lookups_total counter');
    lines.push(`gateway_cache_lookups_total{result="l1_hit"} ${this.cache.l1Hits}`);
    lines.push(`gateway_cache_lookups_total{result="l2_hit"} ${this.cache.l2Hits}`);
    lines.push(`gateway_cache_lookups_total{result="miss"} ${this.cache.misses}`);
    lines.push(`gateway_cache_lookups_total{result="stale"} ${this.cache.stale}`);
    lines.push(`gateway_cache_lookups_total{result="stale_if_error"} ${this.cache.staleIfError}`);
    lines.push('# HELP gateway_redis_roundtrips_total Redis pipelines sent by requests.', '# TYPE gateway_redis_roundtrips_total counter');
    lines.push(`gateway_redis_roundtrips_total{kind="read"} ${this.cache.redisReads}`);
    lines.push(`gateway_redis_roundtrips_total{kind="write"} ${this.cache.redisWrites}`);
    lines.push(`gateway_redis_errors_total ${this.cache.redisErrors}`);
    lines.push('# HELP gateway_response_cache_total Whole-response cache outcomes.', '# TYPE gateway_response_cache_total counter');
    for (const [outcome, n] of Object.entries(this.responseCache)) lines.push(`gateway_response_cache_total{outcome="${outcome}"} ${n}`);
    const cpu = process.cpuUsage();
    lines.push('# HELP process_cpu_user_seconds_total User CPU time.', '# TYPE process_cpu_user_seconds_total counter');
    lines.push(`process_cpu_user_seconds_total ${cpu.user / 1e6}`);
    lines.push('# HELP process_cpu_system_seconds_total System CPU time.', '# TYPE process_cpu_system_seconds_total counter');
    lines.push(`process_cpu_system_seconds_total ${cpu.system / 1e6}`);
    const memory = process.memoryUsage();
    lines.push('# HELP nodejs_heap_used_bytes V8 heap in use.', '# TYPE nodejs_heap_used_bytes gauge', `nodejs_heap_used_bytes ${memory.heapUsed}`);
    lines.push('# HELP nodejs_heap_total_bytes V8 heap reserved.', '# TYPE nodejs_heap_total_bytes gauge', `nodejs_heap_total_bytes ${memory.heapTotal}`);
    lines.push('# HELP nodejs_external_bytes Memory of C++ objects bound to JS (buffers).', '# TYPE nodejs_external_bytes gauge', `nodejs_external_bytes ${memory.external}`);
    lines.push('# HELP process_resident_memory_bytes Resident set size.', '# TYPE process_resident_memory_bytes gauge');
    lines.push(`process_resident_memory_bytes ${memory.rss}`);
    return `${lines.join('\n')}\n`;
  }
}

function histogram(map: Map<string, Histogram>, key: string): Histogram {
  let h = map.get(key);
  if (!h) {
    h = new Histogram();
    map.set(key, h);
  }
  return h;
}

function counter(lines: string[], name: string, help: string, map: Map<string, number>): void {
  lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
  for (const [labels, value] of map) lines.push(`${name}{${labels}} ${value}`);
}

function histogramText(lines: string[], name: string, help: string, map: Map<string, Histogram>): void {
  lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} histogram`);
  for (const [labels, h] of map) {
    let cumulative = 0;
    DURATION_BUCKETS_MS.forEach((le, i) => {
      cumulative += h.counts[i] as number;
      lines.push(`${name}_bucket{${labels},le="${le}"} ${cumulative}`);
    });
    lines.push(`${name}_bucket{${labels},le="+Inf"} ${h.count}`);
    lines.push(`${name}_sum{${labels}} ${h.sum}`);
    lines.push(`${name}_count{${labels}} ${h.count}`);
  }
}
