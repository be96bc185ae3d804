/**
 * Stops calling a service that keeps failing.
 *
 * Why: when a service is down, every call to it waits its full timeout, and
 * requests pile up behind it. After `threshold` consecutive failures (5xx,
 * 429, timeouts, refused connections, broken payloads) the circuit opens:
 * calls fail at once with DOWNSTREAM_UNAVAILABLE, and the cache answers from
 * stale entries where it has them (stale-if-error). After `cooldownMs`, one
 * trial call goes through (half-open): success closes the circuit, failure
 * opens it for another cooldown. Expected 4xx answers are successes here.
 */
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

  success(): void {
    this.failures = 0;
    this.openedAt = null;
    this.trialInFlight = false;
  }

  failure(): void {
    this.failures++;
    this.trialInFlight = false;
    if (this.threshold > 0 && (this.openedAt !== null || this.failures >= this.threshold)) this.openedAt = this.now();
  }
}
