/**
 * The HTTP transport every downstream client shares: one undici `Pool` per
 * service origin, with the cross-cutting concerns composed as interceptors.
 *
 * Why a pool per origin: keep-alive connections are the cheapest thing a
 * gateway can reuse; a request never pays a TCP handshake once warm. Why
 * interceptors: retry and the circuit breaker wrap the dispatcher instead of
 * living in every client, so a client file only says which path it calls and
 * what shape it expects back. The order, innermost first:
 *   pool ← retry (idempotent reads, per attempt) ← circuit breaker (per call,
 *   after its retries, so one failing call counts once).
 *
 * Every call ends in exactly one of three ways:
 * - a 2xx whose body passes the payload check: `{ ok: true, value }`;
 * - an expected 4xx (404, 400 INVALID_INPUT, 409 OUT_OF_STOCK …): `{ ok: false, error }`,
 *   for the client to turn into null or a result-union member;
 * - anything else (5xx, 429, timeout, refused connection, bad JSON, wrong
 *   shape): a thrown `DownstreamError` with a stable code.
 */
import { Pool, interceptors, type Dispatcher } from 'undici';
import type { DownstreamOptions } from '../config';
import type { DownstreamErrorBody } from '../contract/payloads';
import type { ServiceName } from '../contract/services';
import { PayloadError, type Check } from '../contract/validate';
import { DownstreamError, unexpectedStatus } from '../errors/catalogue';
import type { CallObserver, CallTrace, Outcome } from './call';
import { CircuitBreaker, circuitBreakerInterceptor, CircuitOpenError } from './circuitBreaker';
import { tracedCall } from '../telemetry/downstreamSpans';
import type { Tracing } from '../telemetry/tracing';

export interface CallOptions<T> {
  /** The route template for metrics, e.g. `GET /products/{id}`. */
  route: string;
  check: Check<T>;
  query?: Record<string, string | number | undefined>;
  /** Extra headers (`x-user-id`, `idempotency-key`); incoming client headers are never passed here. */
  headers?: Record<string, string>;
  /** JSON body for POST. */
  body?: unknown;
  trace?: CallTrace;
}

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

  constructor(
    service: ServiceName,
    baseUrl: string,
    options: DownstreamOptions,
    observe?: CallObserver,
    now?: () => number,
    private readonly tracing: Tracing | null = null,
  ) {
    const url = new URL(baseUrl);
    this.service = service;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.timeoutMs = options.requestTimeoutMs;
    this.observe = observe;
    this.circuit = new CircuitBreaker(options.circuitThreshold, options.circuitCooldownMs, now);
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
            minTimeout: 20,
            maxTimeout: 200,
            timeoutFactor: 2,
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
    return tracedCall(this.tracing, this.service, method, options.route, () => this.measuredCall(method, path, options));
  }

  private async measuredCall<T>(method: 'GET' | 'POST', path: string, options: CallOptions<T>): Promise<Outcome<T>> {
    const started = performance.now();
    let outcome = 'error';
    try {
      const result = await this.send(method, path, options);
      outcome = String(result.status);
      return result;
    } catch (error) {
      if (error instanceof DownstreamError) outcome = error.failure;
      throw error;
    } finally {
      // A call the open circuit refused was never made: it is observed, not counted.
      if (options.trace && outcome !== 'circuit') options.trace.downstreamCalls++;
      this.observe?.(this.service, options.route, outcome, outcome === 'circuit' ? 0 : performance.now() - started);
    }
  }

  private async send<T>(method: 'GET' | 'POST', path: string, options: CallOptions<T>): Promise<Outcome<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    this.tracing?.inject(headers); // traceparent/tracestate of this call's span (telemetry/propagation.ts)
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    let response: Dispatcher.ResponseData;
    try {
      response = await this.dispatcher.request({
        method,
        path: this.basePath + path + queryString(options.query),
        headers,
        body,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        // undici's own timeouts measure gaps between chunks; this is the deadline for the whole answer.
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw this.transportError(error, options.route);
    }

    const { statusCode } = response;
    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      throw this.transportError(error, options.route);
    }

    if (statusCode >= 200 && statusCode < 300) {
      // The circuit breaker leaves a 2xx to us: it is a success only if its body keeps the contract.
      const value = this.checked(text, options, statusCode);
      this.circuit.success();
      return { ok: true, status: statusCode, value, maxAgeSeconds: maxAge(response.headers['cache-control']) };
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

  private transportError(error: unknown, route: string): DownstreamError {
    if (error instanceof CircuitOpenError) {
      return new DownstreamError(this.service, 'circuit', 'is unavailable (its circuit is open after repeated failures)');
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
    if ((err.code && TIMEOUT_CODES.has(err.code)) || (error as Error)?.name === 'TimeoutError') {
      return new DownstreamError(this.service, 'timeout', `did not answer within ${this.timeoutMs} ms`);
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

  /** Is the origin reachable at all? Any HTTP answer counts; used by /readyz. */
  async ping(): Promise<boolean> {
    try {
      const response = await this.pool.request({
        method: 'GET',
        path: this.basePath + '/',
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      await response.body.dump();
      return true;
    } catch {
      return false;
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
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
