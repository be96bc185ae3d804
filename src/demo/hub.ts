/**
 * State shared by a set of demo services and steered from outside: the fault-injection knobs per
 * service, the log of requests received (so tests can count the gateway's calls), and the timers of
 * delayed replies (so closing the services cancels them). One `DemoHub` serves all six services.
 * `DemoKnobs`, `DemoRequest` and `DEFAULT_KNOBS` are public: index.ts re-exports them.
 */

import type { ServiceName } from '../contract/services';

/** Fault injection, per service. */
export interface DemoKnobs {
  /** Every non-control response is delayed by this many milliseconds. */
  latencyMs: number;
  /** Probability (0..1) of a 503 `{"error":"UNAVAILABLE",...}` instead of the real answer. */
  failureRate: number;
  /** Probability (0..1) of a 200 whose body is not valid JSON. */
  malformedRate: number;
}

/** One logged request. `route` is the OpenAPI template, e.g. 'GET /products/{id}'. */
export interface DemoRequest {
  service: ServiceName;
  method: string;
  route: string;
  /** The request-target as received (path and query string), so a benchmark can replay the exact call. */
  target: string;
  query: Record<string, string>;
  /** The raw `x-user-id` header, when one was sent. */
  userId?: string;
  /**
   * The W3C `traceparent` header, when one was sent: the gateway's HTTP client
   * span for this call (test/tracing.test.ts checks it joins the gateway's trace).
   */
  traceparent?: string;
  /** The W3C `tracestate` header, when one was sent (a trusted client's, passed on by the gateway). */
  tracestate?: string;
  /** When it arrived (performance.now() of the services' process), to see which calls ran together. */
  at: number;
}

export const DEFAULT_KNOBS: Readonly<DemoKnobs> = Object.freeze({ latencyMs: 0, failureRate: 0, malformedRate: 0 });

/** The request log keeps about this many of the most recent requests. */
export const REQUEST_LOG_LIMIT = 100_000;

export function validateKnobs(input: unknown): Partial<DemoKnobs> | string {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return 'knobs must be a JSON object';
  const out: Partial<DemoKnobs> = {};
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    if (key !== 'latencyMs' && key !== 'failureRate' && key !== 'malformedRate') return `unknown knob ${key}`;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return `${key} must be a number ≥ 0`;
    if (key !== 'latencyMs' && value > 1) return `${key} must be a probability from 0 to 1`;
    if (key === 'latencyMs' && value > 600_000) return 'latencyMs must be at most 600000';
    out[key] = value;
  }
  return out;
}

export class DemoHub {
  private readonly knobs = new Map<ServiceName, DemoKnobs>();
  private log: DemoRequest[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();

  knobsOf(service: ServiceName): DemoKnobs {
    return this.knobs.get(service) ?? { ...DEFAULT_KNOBS };
  }

  /** Patches the knobs of one service, or of every registered one. Throws on invalid values. */
  setKnobs(patch: Partial<DemoKnobs>, services: readonly ServiceName[]): void {
    const checked = validateKnobs(patch);
    if (typeof checked === 'string') throw new RangeError(checked);
    for (const service of services) this.knobs.set(service, { ...this.knobsOf(service), ...checked });
  }

  record(entry: DemoRequest): void {
    this.log.push(entry);
    if (this.log.length > REQUEST_LOG_LIMIT * 1.1) this.log.splice(0, this.log.length - REQUEST_LOG_LIMIT);
  }

  requests(service?: ServiceName): DemoRequest[] {
    return service === undefined ? this.log.slice() : this.log.filter((r) => r.service === service);
  }

  resetRequests(service?: ServiceName): void {
    this.log = service === undefined ? [] : this.log.filter((r) => r.service !== service);
  }

  /** setTimeout that `close()` can cancel, so no delayed reply outlives the services. */
  delay(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  cancelTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
