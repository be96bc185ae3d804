/**
 * Reading the counters around a run: the gateway's /metrics, the demo
 * services' request log and the gateway's /proc/<pid>/status.
 *
 * Why counters and deltas: the gateway and the demo services are separate
 * processes, so the bench reads what they counted themselves (CPU from
 * process.cpuUsage() in /metrics, requests the services received from their
 * own log) before and after each run; the difference divided by the requests
 * the gateway finished is the cost per request.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'undici';

export interface MetricsSnapshot {
  /** GraphQL requests the gateway finished (all frontends and statuses). */
  requests: number;
  /** The same by operation label (a trusted operation's name, else "other"). */
  requestsByOperation: Record<string, number>;
  /** Downstream calls the gateway counted itself. */
  downstreamCalls: number;
  /** Downstream calls made on behalf of requests (gateway_request_downstream_calls_total): background refreshes excluded. */
  requestDownstreamCalls: number;
  redisReads: number;
  redisWrites: number;
  redisErrors: number;
  cacheLookups: Record<string, number>;
  responseCache: Record<string, number>;
  cpuSeconds: number;
}

async function text(url: string, method: 'GET' | 'DELETE' = 'GET'): Promise<string> {
  const res = await request(url, { method });
  const body = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: HTTP ${res.statusCode} ${body.slice(0, 200)}`);
  return body;
}

/** Parses the Prometheus text of the gateway's /metrics into the sums the bench needs. */
export function parseMetrics(body: string): MetricsSnapshot {
  const snap: MetricsSnapshot = { requests: 0, requestsByOperation: {}, downstreamCalls: 0, requestDownstreamCalls: 0, redisReads: 0, redisWrites: 0, redisErrors: 0, cacheLookups: {}, responseCache: {}, cpuSeconds: 0 };
  for (const line of body.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    const series = line.slice(0, space);
    const value = Number(line.slice(space + 1));
    const brace = series.indexOf('{');
    const name = brace === -1 ? series : series.slice(0, brace);
    const label = (key: string) => new RegExp(`${key}="([^"]*)"`).exec(series)?.[1] ?? '';
    switch (name) {
      case 'gateway_requests_total':
        snap.requests += value;
        snap.requestsByOperation[label('operation')] = (snap.requestsByOperation[label('operation')] ?? 0) + value;
        break;
      case 'gateway_downstream_calls_total':
        snap.downstreamCalls += value;
        break;
      case 'gateway_request_downstream_calls_total':
        snap.requestDownstreamCalls += value;
        break;
      case 'gateway_redis_roundtrips_total':
        if (label('kind') === 'read') snap.redisReads += value;
        else if (label('kind') === 'write') snap.redisWrites += value;
        break;
      case 'gateway_redis_errors_total':
        snap.redisErrors += value;
        break;
      case 'gateway_cache_lookups_total':
        // By tier, summed over the entity families.
        snap.cacheLookups[label('tier')] = (snap.cacheLookups[label('tier')] ?? 0) + value;
        break;
      case 'gateway_response_cache_total':
        snap.responseCache[label('outcome')] = value;
        break;
      case 'process_cpu_seconds_total':
        snap.cpuSeconds += value;
        break;
    }
  }
  return snap;
}

export async function scrapeMetrics(gatewayUrl: string): Promise<MetricsSnapshot> {
  return parseMetrics(await text(`${gatewayUrl}/metrics`));
}

function diffRecord(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) out[key] = (b[key] ?? 0) - (a[key] ?? 0);
  return out;
}

export function diffMetrics(before: MetricsSnapshot, after: MetricsSnapshot): MetricsSnapshot {
  return {
    requests: after.requests - before.requests,
    requestsByOperation: diffRecord(before.requestsByOperation, after.requestsByOperation),
    downstreamCalls: after.downstreamCalls - before.downstreamCalls,
    requestDownstreamCalls: after.requestDownstreamCalls - before.requestDownstreamCalls,
    redisReads: after.redisReads - before.redisReads,
    redisWrites: after.redisWrites - before.redisWrites,
    redisErrors: after.redisErrors - before.redisErrors,
    cacheLookups: diffRecord(before.cacheLookups, after.cacheLookups),
    responseCache: diffRecord(before.responseCache, after.responseCache),
    cpuSeconds: after.cpuSeconds - before.cpuSeconds,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until the gateway has finished every request of a run: autocannon
 * stops on the clock with requests in flight, and their downstream calls
 * must be counted against them. Stable = the request counter did not move for
 * 300 ms. Returns the last snapshot.
 */
export async function settle(gatewayUrl: string, maxMs = 10_000): Promise<MetricsSnapshot> {
  const deadline = Date.now() + maxMs;
  let last = await scrapeMetrics(gatewayUrl);
  for (;;) {
    await sleep(300);
    const now = await scrapeMetrics(gatewayUrl);
    if ((now.requests === last.requests && now.downstreamCalls === last.downstreamCalls) || Date.now() > deadline) return now;
    last = now;
  }
}

/** The demo services' request log: total requests received by all six since the last reset. */
export async function demoRequestCount(demoUrl: string): Promise<{ total: number; byRoute: Record<string, number> }> {
  return JSON.parse(await text(`${demoUrl}/__demo/requests?summary=true&scope=all`));
}

export async function resetDemoRequests(demoUrl: string): Promise<void> {
  await text(`${demoUrl}/__demo/requests?scope=all`, 'DELETE');
}

export interface ProcMemory {
  /** VmRSS: resident now. */
  rssMB: number;
  /** VmHWM: the peak resident set (since start, or since the last `resetPeakRss`). */
  peakMB: number;
}

export function procMemory(pid: number): ProcMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMB: kb('VmRSS') / 1024, peakMB: kb('VmHWM') / 1024 };
}

/** Resets VmHWM to the current RSS (writing 5 to clear_refs), so the peak is per run; false when not allowed. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}
