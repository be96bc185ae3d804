/**
 * Stops calling a service that keeps failing: a `CircuitBreaker` per service,
 * applied to its calls as an undici dispatcher interceptor.
 *
 * Why: when a service is down, every call to it waits its full timeout, and
 * requests pile up behind it. After `threshold` consecutive failures (5xx,
 * 429, timeouts, refused connections, broken payloads) the circuit opens:
 * calls fail at once with DOWNSTREAM_UNAVAILABLE, and the cache answers from
 * stale entries where it has them (stale-if-error). After `cooldownMs`, one
 * trial call goes through (half-open): success closes the circuit, failure
 * opens it for another cooldown. Expected 4xx answers are successes here.
 *
 * Why an interceptor: the breaker composes with the pool and the retry
 * interceptor like any other transport concern, and sees each call once,
 * after its retries. A call the gateway cancelled (nobody waits for it) or
 * cut short by its request's deadline says nothing of the service, and is
 * not counted. One verdict is not the interceptor's to give: a 2xx is
 * healthy only once its body passes the contract's check, which happens above
 * the dispatcher, so the transport settles a 2xx itself with `success()` or
 * `failure()`.
 */
import type { Dispatcher } from 'undici';
import { CallCancelled, DeadlineReached } from './call';

export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | null = null;
  private trialInFlight = false;

  constructor(
    private readonly threshold: number,
    private readonly cooldownMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** May a call go out now? (In the half-open state, only one trial at a time.) */
  allow(): boolean {
    if (this.openedAt === null || this.threshold <= 0) return true;
    if (this.now() - this.openedAt < this.cooldownMs || this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  get open(): boolean {
    return this.openedAt !== null;
  }

  /** Where it stands: `open` fails fast, `half-open` lets one trial through, `closed` lets everything through. */
  get state(): 'closed' | 'open' | 'half-open' {
    if (this.openedAt === null) return 'closed';
    return this.now() - this.openedAt < this.cooldownMs ? 'open' : 'half-open';
  }

  /** Failures since the last success. */
  get consecutiveFailures(): number {
    return this.failures;
  }

  success(): void {
    this.failures = 0;
    this.openedAt = null;
    this.trialInFlight = false;
  }

  /** A trial that ended without a verdict (the call was cancelled): the next call may try again. */
  release(): void {
    this.trialInFlight = false;
  }

  failure(): void {
    this.failures++;
    this.trialInFlight = false;
    if (this.threshold > 0 && (this.openedAt !== null || this.failures >= this.threshold)) this.openedAt = this.now();
  }
}

/** What a call refused by an open circuit fails with (never sent). */
export class CircuitOpenError extends Error {
  readonly code = 'CIRCUIT_OPEN';
  constructor() {
    super('the circuit is open');
  }
}

/** Statuses that count against a service: it is failing, or shedding load. */
function isFailureStatus(status: number): boolean {
  return status >= 500 || status === 429;
}

/**
 * The breaker as an interceptor: refuses calls while open, counts failed
 * statuses and transport errors, counts other non-2xx answers as successes,
 * and leaves 2xx answers for the caller to settle (see above).
 */
export function circuitBreakerInterceptor(breaker: CircuitBreaker): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (options, handler) => {
    if (!breaker.allow()) {
      handler.onResponseError?.(null as unknown as Dispatcher.DispatchController, new CircuitOpenError());
      return true;
    }
    let status = 0;
    return dispatch(options, {
      onRequestStart: (controller, context) => handler.onRequestStart?.(controller, context),
      onRequestUpgrade: (controller, statusCode, headers, socket) => handler.onRequestUpgrade?.(controller, statusCode, headers, socket),
      onResponseStart(controller, statusCode, headers, statusMessage) {
        status = statusCode;
        if (isFailureStatus(statusCode)) breaker.failure();
        return handler.onResponseStart?.(controller, statusCode, headers, statusMessage);
      },
      onResponseData: (controller, chunk) => handler.onResponseData?.(controller, chunk),
      onResponseEnd(controller, trailers) {
        if (status < 200 || (status >= 300 && !isFailureStatus(status))) breaker.success();
        return handler.onResponseEnd?.(controller, trailers);
      },
      onResponseError(controller, error) {
        // Cancelled, or cut short by the request's deadline: the gateway's decision, no verdict on the service.
        if (error instanceof CallCancelled || error instanceof DeadlineReached) breaker.release();
        // A failed status was counted when it started; a body that then breaks is the same failure.
        else if (!isFailureStatus(status)) breaker.failure();
        return handler.onResponseError?.(controller, error);
      },
    });
  };
}
