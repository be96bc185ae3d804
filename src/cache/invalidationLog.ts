/**
 * A bounded memory of recent evictions: which entity was invalidated, when.
 *
 * Two readers need to know "was this key invalidated after time T?":
 * - L1 writes: a value fetched before an eviction must not be stored after it
 *   (a read racing a write would otherwise re-cache the old stock);
 * - the response cache: a stored response is only served if none of the
 *   entities it was built from has been evicted since it was stored.
 *
 * The log is fed by this instance's own evictions and by every other
 * instance's, over Redis pub/sub. It holds at most `max` keys; what it has
 * forgotten it cannot vouch for, so any question about a time before its
 * horizon (its start, or the newest record it had to drop) answers "yes,
 * maybe invalidated". Clocks of different instances may disagree a little, so
 * an eviction counts against anything stored up to `skewMs` after it.
 */
import { LRUCache } from 'lru-cache';

export class InvalidationLog {
  private readonly log: LRUCache<string, number>;
  private horizon: number;

  constructor(max = 200_000, private readonly skewMs = 1000, now = Date.now()) {
    this.horizon = now;
    this.log = new LRUCache<string, number>({
      max,
      dispose: (at, _key, reason) => {
        if (reason === 'evict' && at > this.horizon && this.horizon !== Infinity) this.horizon = at;
      },
    });
  }

  /**
   * While invalidations cannot be heard (the subscription is down), nothing
   * can be vouched for; when they can again, only what comes after.
   */
  suspend(): void {
    this.horizon = Infinity;
  }

  resume(now: number): void {
    this.horizon = now;
  }

  record(key: string, at = Date.now()): void {
    this.log.set(key, at);
  }

  /**
   * Could `key` have been invalidated after `since` (ms since epoch)? For data
   * that may come from another instance: before the horizon, the answer is yes.
   */
  mayBeInvalidatedSince(key: string, since: number): boolean {
    return since < this.horizon + this.skewMs || this.knownInvalidatedSince(key, since);
  }

  /** Was `key` invalidated after `since`, as far as this log knows? For this process's own fetches. */
  knownInvalidatedSince(key: string, since: number): boolean {
    const at = this.log.peek(key);
    return at !== undefined && at + this.skewMs >= since;
  }
}
