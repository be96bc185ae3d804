/**
 * The load generator: one autocannon run through its programmatic API.
 *
 * Why our own percentiles: autocannon's summary has no p95, so every
 * response time from the instance's 'response' event goes into an array and
 * p50/p95/p99 are computed from it (nearest rank). GraphQL errors are counted
 * in the request's `onResponse(status, body)` hook with a plain `includes`
 * (a JSON.parse per response would make the load generator, which shares the
 * machine with the gateway, the bottleneck). Bodies rotate through
 * `requests: [{ setupRequest }]`, which autocannon calls before every request.
 */
// autocannon ships no types; the small part used here is typed below.
const autocannon = require('autocannon') as Autocannon;

interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  pipelining: number;
  timeout: number;
  headers: Record<string, string>;
  requests: {
    method: string;
    path: string;
    setupRequest(req: AutocannonRequest): AutocannonRequest;
    onResponse(status: number, body: string): void;
  }[];
}

interface AutocannonResult {
  errors: number;
  timeouts: number;
  duration: number;
}

interface AutocannonInstance {
  on(event: 'response', listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void): void;
  stop(): void;
}

type Autocannon = (opts: AutocannonOptions, cb: (err: Error | null, result: AutocannonResult) => void) => AutocannonInstance;

/** One request: where it goes, its JSON body and, when signed in, its Authorization header. */
export interface LoadRequest {
  path: string;
  body: string;
  authorization?: string;
}

/** An endless supply of requests; runs of one operation share one, so a cold rotation never restarts. */
export interface Rotation {
  /** Distinct requests before it repeats. */
  size: number;
  next(): LoadRequest;
}

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
}

export interface LoadResult {
  connections: number;
  /** Wall-clock seconds of the run. */
  seconds: number;
  /** Responses received. */
  responses: number;
  reqPerSec: number;
  latencyMs: LatencySummary;
  non2xx: number;
  statusCodes: Record<string, number>;
  /** Responses whose body contains `"errors"`. */
  graphqlErrors: number;
  /** 2xx responses: the requests the gateway admitted (the rest of an overload run is shed). */
  admitted: number;
  /** Percentiles of the 2xx responses alone. */
  admittedLatencyMs: LatencySummary;
  /** 2xx responses whose body contains `"errors"`. */
  admittedGraphqlErrors: number;
  /** Connection errors and timeouts (no response at all). */
  connectionErrors: number;
  timeouts: number;
  /** Mean bytes per response as read off the socket (status line and headers included). */
  meanResponseBytes: number;
  /** The first few answers that were not a clean 2xx (status and the start of the body), to say what went wrong. */
  problemSamples: string[];
}

/** How many problem answers a run keeps, and how much of each. */
const PROBLEM_SAMPLES = 3;
const PROBLEM_SAMPLE_CHARS = 300;

const active = new Set<AutocannonInstance>();

/** Stops every run in progress (Ctrl-C). */
export function stopActiveLoads(): void {
  for (const instance of active) instance.stop();
}

/** Nearest-rank percentile of an ascending array. */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export function summarize(times: Float64Array): LatencySummary {
  const sorted = times.slice().sort();
  let sum = 0;
  for (const t of sorted) sum += t;
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    mean: sorted.length ? sum / sorted.length : NaN,
    max: sorted.length ? (sorted[sorted.length - 1] as number) : NaN,
  };
}

/** Response times, in a typed array that doubles when full. */
class Samples {
  private times = new Float64Array(16384);
  count = 0;

  add(ms: number): void {
    if (this.count === this.times.length) {
      const grown = new Float64Array(this.times.length * 2);
      grown.set(this.times);
      this.times = grown;
    }
    this.times[this.count++] = ms;
  }

  summary(): LatencySummary {
    return summarize(this.times.subarray(0, this.count));
  }
}

export function runLoad(baseUrl: string, rotation: Rotation, connections: number, durationS: number): Promise<LoadResult> {
  const all = new Samples();
  const admitted = new Samples();
  let non2xx = 0;
  let graphqlErrors = 0;
  let admittedGraphqlErrors = 0;
  let bytes = 0;
  const problemSamples: string[] = [];
  const statusCodes: Record<string, number> = {};
  const started = process.hrtime.bigint();

  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: baseUrl,
        connections,
        duration: durationS,
        pipelining: 1,
        timeout: 10,
        headers: { 'content-type': 'application/json' },
        requests: [
          {
            method: 'POST',
            path: '/',
            setupRequest(req) {
              const next = rotation.next();
              req.path = next.path;
              req.body = next.body;
              if (next.authorization) req.headers = { ...req.headers, authorization: next.authorization };
              return req;
            },
            onResponse(status, body) {
              const clean = status >= 200 && status <= 299 && !body.includes('"errors"');
              if (!clean && problemSamples.length < PROBLEM_SAMPLES) problemSamples.push(`HTTP ${status}: ${body.slice(0, PROBLEM_SAMPLE_CHARS)}`);
              if (!body.includes('"errors"')) return;
              graphqlErrors++;
              if (status >= 200 && status <= 299) admittedGraphqlErrors++;
            },
          },
        ],
      },
      (error, result) => {
        active.delete(instance);
        if (error) return reject(error);
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const responses = all.count;
        resolve({
          connections,
          seconds,
          responses,
          reqPerSec: responses / seconds,
          latencyMs: all.summary(),
          non2xx,
          statusCodes,
          graphqlErrors,
          admitted: admitted.count,
          admittedLatencyMs: admitted.summary(),
          admittedGraphqlErrors,
          connectionErrors: result.errors,
          timeouts: result.timeouts,
          meanResponseBytes: all.count ? bytes / all.count : NaN,
          problemSamples,
        });
      },
    );
    active.add(instance);
    instance.on('response', (_client, statusCode, resBytes, responseTime) => {
      all.add(responseTime);
      bytes += resBytes;
      if (statusCode < 200 || statusCode > 299) non2xx++;
      else admitted.add(responseTime);
      statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
    });
  });
}
