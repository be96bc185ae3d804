/**
 * Retries that cannot multiply an outage: idempotent reads are retried (after
 * a 502/503/504 or a reset connection) only while a service's retries stay
 * within a budget of its calls (by default 10% over a 10 s window, and a
 * handful per window however quiet the traffic), each after a jittered
 * backoff.
 *
 * Why a budget: "retry once" doubles the load on a service that fails every
 * call, at the worst moment; a budget caps the extra load at 10% whatever
 * fails. Why jitter ("full jitter": a random delay up to the backoff): retries
 * of calls that failed together would otherwise arrive together again.
 *
 * `retryPolicy` plugs into undici's retry interceptor as its `retry`
 * function: undici keeps what it does well (re-dispatching, idempotency,
 * resuming), and the decision and the delay are ours.
 */
import type { RetryHandler } from 'undici';

export interface RetryBudgetOptions {
  /** Retries allowed per call in the window. Default 0.1. */
  ratio: number;
  /** Retries allowed in a window whatever the traffic. Default 5. */
  minPerWindow: number;
  /** The sliding window, in ms (ten buckets). Default 10000. */
  windowMs: number;
  /** The clock; default performance.now. */
  now?: () => number;
}

const BUCKETS = 10;

/** Calls and retries of one service over a sliding window of ten buckets. */
export class RetryBudget {
  private readonly calls = new Float64Array(BUCKETS);
  private readonly retries = new Float64Array(BUCKETS);
  private bucket = 0;
  private bucketStart: number;
  private readonly bucketMs: number;
  private readonly now: () => number;

  constructor(private readonly options: RetryBudgetOptions) {
    this.now = options.now ?? (() => performance.now());
    this.bucketMs = options.windowMs / BUCKETS;
    this.bucketStart = this.now();
  }

  /** Counts a call (a first attempt). */
  recordCall(): void {
    this.advance();
    (this.calls[this.bucket] as number)++;
  }

  /** Takes one retry from the budget, if it has one. */
  tryRetry(): boolean {
    this.advance();
    let calls = 0;
    let retries = 0;
    for (let i = 0; i < BUCKETS; i++) {
      calls += this.calls[i] as number;
      retries += this.retries[i] as number;
    }
    if (retries >= Math.max(this.options.minPerWindow, this.options.ratio * calls)) return false;
    (this.retries[this.bucket] as number)++;
    return true;
  }

  private advance(): void {
    const now = this.now();
    let steps = Math.floor((now - this.bucketStart) / this.bucketMs);
    if (steps <= 0) return;
    this.bucketStart += steps * this.bucketMs;
    for (steps = Math.min(steps, BUCKETS); steps > 0; steps--) {
      this.bucket = (this.bucket + 1) % BUCKETS;
      this.calls[this.bucket] = 0;
      this.retries[this.bucket] = 0;
    }
  }
}

export interface RetryPolicyOptions {
  budget: RetryBudget;
  maxRetries: number;
  /** Backoff before the n-th retry: up to min(maxDelayMs, baseDelayMs × 2^(n−1)), chosen at random. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Told of each decision (metrics). */
  onRetry?: (result: 'sent' | 'budget_exhausted') => void;
  /** 0 ≤ random() < 1; tests pass their own. Default Math.random. */
  random?: () => number;
}

/**
 * What a call's dispatch options may carry for its retries: undici hands the
 * options to `retry` as they were given, so a call told of its own retries
 * (a request's diagnostics) needs no per-call state here.
 */
export interface RetryNotice {
  onRetrySent?: () => void;
}

export function retryPolicy(options: RetryPolicyOptions): RetryHandler.RetryCallback {
  const random = options.random ?? Math.random;
  return (error, { state, opts }, callback) => {
    const { statusCode, code } = error as Error & { statusCode?: number; code?: string };
    const retryOptions = opts.retryOptions ?? {};
    const retryable =
      (retryOptions.methods ?? []).includes(opts.method) &&
      (statusCode !== undefined && code === 'UND_ERR_REQ_RETRY'
        ? (retryOptions.statusCodes ?? []).includes(statusCode)
        : code !== undefined && (retryOptions.errorCodes ?? []).includes(code));
    if (!retryable || state.counter > options.maxRetries) return callback(error);
    if (!options.budget.tryRetry()) {
      options.onRetry?.('budget_exhausted');
      return callback(error);
    }
    options.onRetry?.('sent');
    (opts as RetryNotice).onRetrySent?.();
    const backoff = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (state.counter - 1));
    setTimeout(() => callback(null), Math.floor(random() * backoff)).unref();
  };
}
