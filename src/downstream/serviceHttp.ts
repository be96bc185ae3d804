/**
 * The HTTP transport every downstream client shares: one undici `Pool` per
 * service origin, with the cross-cutting concerns composed as interceptors.
 *
 * Why a pool per origin: keep-alive connections are the cheapest thing a
 * gateway can reuse; a request never pays a TCP handshake once warm. Why
 * interceptors: retry and the circuit breaker wrap the dispatcher instead of
 * living in every client, so a client file only says which path it calls and
 * what shape it expects back. The order, innermost first:
 *   pool ← retry (idempotent reads, per attempt, within the service's retry
 *   budget, jittered: retryBudget.ts) ← circuit breaker (per call, after its
 *   retries, so one failing call counts once).
 * Before a call reaches the dispatcher, the service's bulkhead gives it a
 * slot (bulkhead.ts), and its timeout becomes the lesser of its own and what
 * is left of its request's deadline. A read is cancelled when nobody waits
 * for it any more (the request's signal); a write always runs to the end, so
 * an order is never left half-known.
 *
 * Every call ends in exactly one of three ways:
 * - a 2xx whose body passes the payload check: `{ ok: true, value }`;
 * - an expected 4xx (404, 400 INVALID_INPUT, 409 OUT_OF_STOCK …): `{ ok: false, error }`,
 *   for the client to turn into null or a result-union member;
 * - anything else (5xx, 429, timeout, refused connection, bad JSON, wrong
 *   shape): a thrown `DownstreamError` with a stable code.
 */
import type { Context } from '@opentelemetry/api';
import { Pool, interceptors, type Dispatcher } from 'undici';
import type { DownstreamOptions } from '../config';
import type { DownstreamErrorBody } from '../contract/payloads';
import type { ServiceName } from '../contract/services';
import { PayloadError, type Check } from '../contract/validate';
import { DownstreamError, unexpectedStatus } from '../errors/catalogue';
import { Bulkhead, BulkheadFull } from './bulkhead';
import { CallCancelled, DeadlineReached, type CallObserver, type CallTrace, type Outcome, type RecordedCall } from './call';
import { CircuitBreaker, circuitBreakerInterceptor, CircuitOpenError } from './circuitBreaker';
import { exchange, type Answer } from './exchange';
import { RetryBudget, retryPolicy, type RetryNotice } from './retryBudget';
import { tracedCall } from '../telemetry/downstreamSpans';
import type { Tracing } from '../telemetry/tracing';

export interface CallOptions<T> {
  /** The route template for metrics, e.g. `GET /products/{id}`. */
  route: string;
  check: Check<T>;
  /** How many keys the call asks for (the ids of a batch), for diagnostics. Default 1. */
  keys?: number;
  query?: Record<string, string | number | undefined>;
  /** Extra headers (`x-user-id`, `idempotency-key`); incoming client headers are never passed here. */
  headers?: Record<string, string>;
  /** JSON body for POST. */
  body?: unknown;
  trace?: CallTrace;
  /** Aborted when the keys this call fetches are no longer wanted (a prefetched field whose parent failed). */
  signal?: AbortSignal;
}

/** A service's health as its calls show it (`/readyz`). */
export interface ServiceHealth {
  /** `ok`: the last call succeeded and the circuit is closed; `degraded` otherwise. */
  status: 'ok' | 'degraded';
  circuit: 'closed' | 'open' | 'half-open';
  consecutiveFailures: number;
  /** Calls in flight, and waiting for a slot of the bulkhead. */
  active: number;
  queued: number;
}

/** Told whether each retry went out or the budget refused it (metrics). */
export type RetryObserver = (service: ServiceName, result: 'sent' | 'budget_exhausted') => void;

const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

export class ServiceHttp {
  readonly service: ServiceName;
  private readonly basePath: string;
  private readonly pool: Pool;
  private readonly dispatcher: Dispatcher;
  private readonly timeoutMs: number;
  private readonly observe: CallObserver | undefined;
  private readonly circuit: CircuitBreaker;
  private readonly bulkhead: Bulkhead;
  private readonly retryBudget: RetryBudget;

  constructor(
    service: ServiceName,
    baseUrl: string,
    options: DownstreamOptions,
    observe?: CallObserver,
    now?: () => number,
    private readonly tracing: Tracing | null = null,
    onRetry?: RetryObserver,
  ) {
    const url = new URL(baseUrl);
    this.service = service;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.timeoutMs = options.requestTimeoutMs;
    this.observe = observe;
    this.circuit = new CircuitBreaker(options.circuitThreshold, options.circuitCooldownMs, now);
    this.bulkhead = new Bulkhead(options.maxConcurrent, options.maxQueued);
    this.retryBudget = new RetryBudget({ ratio: options.retryBudgetRatio, minPerWindow: options.retryBudgetMin, windowMs: 10_000 });
    this.pool = new Pool(url.origin, {
      connections: options.connections,
      connectTimeout: options.connectTimeoutMs,
      headersTimeout: options.requestTimeoutMs,
      bodyTimeout: options.requestTimeoutMs,
      keepAliveTimeout: 30_000,
      maxResponseSize: options.maxResponseBytes,
    });
    const retry =
      options.retries > 0
        ? interceptors.retry({
            maxRetries: options.retries,
            retry: retryPolicy({
              budget: this.retryBudget,
              maxRetries: options.retries,
              baseDelayMs: 20,
              maxDelayMs: 200,
              onRetry: (result) => onRetry?.(service, result),
            }),
            methods: ['GET'],
            statusCodes: [502, 503, 504],
            errorCodes: ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'],
          })
        : undefined;
    this.dispatcher = this.pool.compose([retry, circuitBreakerInterceptor(this.circuit)].filter((i) => i !== undefined));
  }

  /** One call; with tracing on, inside its HTTP client span (telemetry/downstreamSpans.ts), else with no span at all. */
  call<T>(method: 'GET' | 'POST', path: string, options: CallOptions<T>): Promise<Outcome<T>> {
    if (!this.tracing) return this.measuredCall(method, path, options);
    return tracedCall(this.tracing, this.service, method, options.route, options.trace?.spanParent, (span) => this.measuredCall(method, path, options, span));
  }

  /** `span`: with tracing on, the context of the call's client span, whose traceparent the request carries. */
  private async measuredCall<T>(method: 'GET' | 'POST', path: string, options: CallOptions<T>, span?: Context): Promise<Outcome<T>> {
    const started = performance.now();
    // Before the first await: the request's diagnostics tell which earlier call this one waited for from what runs now.
    const recorded = options.trace?.calls?.begin(this.service, options.route, options.keys ?? 1);
    let outcome = 'error';
    let status: number | undefined;
    let release: (() => void) | undefined;
    try {
      release = await this.slot(method, options);
      if (method === 'GET') this.retryBudget.recordCall();
      const result = await this.send(method, path, options, recorded, span);
      outcome = String(result.status);
      status = result.status;
      return result;
    } catch (error) {
      if (error instanceof DownstreamError) {
        outcome = error.failure;
        status = error.status;
      }
      throw error;
    } finally {
      release?.();
      // A call the gateway itself refused (circuit, bulkhead, deadline) was never made: observed, not counted.
      const made = outcome !== 'circuit' && outcome !== 'bulkhead' && outcome !== 'deadline';
      if (options.trace && made) options.trace.downstreamCalls++;
      this.observe?.(this.service, options.route, outcome, made ? performance.now() - started : 0);
      recorded?.end(outcome, status, made);
    }
  }

  /** A slot of the bulkhead, waited for at most until the request's deadline or the end of its interest. */
  private async slot(method: 'GET' | 'POST', options: CallOptions<unknown>): Promise<() => void> {
    const left = timeLeft(options.trace);
    if (left <= 0) throw new DownstreamError(this.service, 'deadline', `was not called: the request's deadline had passed`);
    const free = this.bulkhead.tryAcquire();
    if (free) return free;
    if (options.trace?.background) throw new DownstreamError(this.service, 'bulkhead', 'was not called: every call slot is busy, and a background refresh never waits for one');
    const signals = this.readSignals(method, options);
    if (left !== Infinity) signals.push(AbortSignal.timeout(Math.ceil(left)));
    try {
      return await this.bulkhead.wait(signals.length === 0 ? undefined : signals.length === 1 ? signals[0] : AbortSignal.any(signals));
    } catch (error) {
      if (error instanceof BulkheadFull) throw new DownstreamError(this.service, 'bulkhead', `is at capacity: ${error.message}`);
      if (error instanceof CallCancelled) throw new DownstreamError(this.service, 'aborted', 'was not called: nobody waits for the answer any more');
      throw new DownstreamError(this.service, 'deadline', `was not called: the request's deadline passed while waiting for a call slot`);
    }
  }

  /** What cancels a read: its request going away, its keys no longer wanted. A write is never cancelled. */
  private readSignals(method: 'GET' | 'POST', options: CallOptions<unknown>): AbortSignal[] {
    if (method !== 'GET') return [];
    const signals: AbortSignal[] = [];
    if (options.trace?.signal) signals.push(options.trace.signal);
    if (options.signal) signals.push(options.signal);
    return signals;
  }

  private async send<T>(method: 'GET' | 'POST', path: string, options: CallOptions<T>, recorded: RecordedCall | undefined, span: Context | undefined): Promise<Outcome<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    this.tracing?.inject(headers, span); // traceparent/tracestate of this call's span (telemetry/propagation.ts)
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    // The call's own timeout, or less when its request has less time left.
    const left = timeLeft(options.trace);
    const timeoutMs = Math.max(1, Math.round(Math.min(this.timeoutMs, left)));
    const request: Dispatcher.DispatchOptions & RetryNotice = {
      method,
      path: this.basePath + path + queryString(options.query),
      headers,
      body,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    };
    if (recorded) request.onRetrySent = recorded.retried;
    let answer: Answer;
    try {
      // undici's own timeouts measure gaps between chunks; `timeoutMs` is the deadline for the whole answer.
      answer = await exchange(this.dispatcher, request, {
        timeoutMs,
        timeoutReason: () => (timeoutMs < this.timeoutMs ? new DeadlineReached() : undefined),
        signals: this.readSignals(method, options),
      });
    } catch (error) {
      throw this.transportError(error, options.route, timeoutMs);
    }
    const { statusCode, text } = answer;

    if (statusCode >= 200 && statusCode < 300) {
      // The circuit breaker leaves a 2xx to us: it is a success only if its body keeps the contract.
      const value = this.checked(text, options, statusCode);
      this.circuit.success();
      return { ok: true, status: statusCode, value, maxAgeSeconds: maxAge(answer.headers['cache-control']) };
    }
    if (statusCode >= 400 && statusCode < 500 && statusCode !== 429) {
      return { ok: false, status: statusCode, error: errorBody(text, statusCode) };
    }
    throw unexpectedStatus(this.service, options.route, statusCode);
  }

  /** The body parsed and checked; a body that breaks the contract counts against the circuit. */
  private checked<T>(text: string, options: CallOptions<T>, statusCode: number): T {
    try {
      return options.check(JSON.parse(text), '');
    } catch (error) {
      this.circuit.failure();
      if (error instanceof SyntaxError) {
        throw new DownstreamError(this.service, 'payload', `answered ${options.route} with a body that is not JSON`, statusCode);
      }
      if (error instanceof PayloadError) {
        throw new DownstreamError(this.service, 'payload', `answered ${options.route} with a payload whose ${error.message}`, statusCode);
      }
      throw error;
    }
  }

  private transportError(error: unknown, route: string, timeoutMs: number): DownstreamError {
    if (error instanceof CircuitOpenError) {
      return new DownstreamError(this.service, 'circuit', 'is unavailable (its circuit is open after repeated failures)');
    }
    if (error instanceof CallCancelled) return new DownstreamError(this.service, 'aborted', 'was cancelled: nobody waits for the answer any more');
    if (error instanceof DeadlineReached) {
      return new DownstreamError(this.service, 'deadline', `did not answer within the ${timeoutMs} ms left of the request's deadline`);
    }
    const err = error as { code?: string; statusCode?: number };
    if (err.code === 'UND_ERR_REQ_RETRY' && typeof err.statusCode === 'number' && err.statusCode < 300) {
      // A retry after a connection reset mid-body, which the service did not resume.
      return new DownstreamError(this.service, 'unreachable', 'could not be reached');
    }
    if (err.code === 'UND_ERR_REQ_RETRY' && typeof err.statusCode === 'number') {
      // The retry interceptor gave up: report the status of the last attempt, as without retries.
      return unexpectedStatus(this.service, route, err.statusCode);
    }
    if ((err.code && TIMEOUT_CODES.has(err.code)) || (error as Error)?.name === 'TimeoutError' || (error as Error)?.name === 'AbortError') {
      return new DownstreamError(this.service, 'timeout', `did not answer within ${timeoutMs} ms`);
    }
    if (err.code && UNREACHABLE_CODES.has(err.code)) {
      return new DownstreamError(this.service, 'unreachable', 'could not be reached');
    }
    if (err.code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') {
      return new DownstreamError(this.service, 'payload', 'answered with a body larger than allowed');
    }
    return new DownstreamError(this.service, 'unreachable', 'failed at the transport level');
  }

  /** Is the circuit open (the service failing fast)? */
  get circuitOpen(): boolean {
    return this.circuit.open;
  }

  /** What this instance knows of the service from its own calls, without calling it (readiness). */
  health(): ServiceHealth {
    const circuit = this.circuit.state;
    const consecutiveFailures = this.circuit.consecutiveFailures;
    return { status: circuit === 'closed' && consecutiveFailures === 0 ? 'ok' : 'degraded', circuit, consecutiveFailures, ...this.bulkhead.load };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** Milliseconds until the request's deadline (Infinity without one). */
function timeLeft(trace: CallTrace | undefined): number {
  return trace?.deadline === undefined ? Infinity : trace.deadline - performance.now();
}

function queryString(query: CallOptions<unknown>['query']): string {
  if (!query) return '';
  let out = '';
  for (const key in query) {
    const value = query[key];
    if (value === undefined) continue;
    out += `${out ? '&' : '?'}${key}=${encodeURIComponent(String(value))}`;
  }
  return out;
}

function maxAge(header: string | string[] | undefined): number | null {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (!value) return null;
  const match = /(?:^|,)\s*max-age=(\d+)/i.exec(value);
  return match ? Number(match[1]) : null;
}

function errorBody(text: string, status: number): DownstreamErrorBody {
  try {
    const parsed = JSON.parse(text) as Partial<DownstreamErrorBody>;
    if (parsed && typeof parsed.error === 'string') {
      return {
        error: parsed.error,
        message: typeof parsed.message === 'string' ? parsed.message : '',
        ...(typeof parsed.field === 'string' ? { field: parsed.field } : {}),
        ...(typeof parsed.sku === 'string' ? { sku: parsed.sku } : {}),
        ...(typeof parsed.available === 'number' ? { available: parsed.available } : {}),
      };
    }
  } catch {
    // fall through: a 4xx without the contract's error body
  }
  return { error: `HTTP_${status}`, message: '' };
}
