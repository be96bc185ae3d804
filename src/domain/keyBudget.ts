/**
 * How many distinct keys one request may send downstream: a bound that holds
 * even for a document within its operation limits, so no request can make
 * the gateway fetch (and hold) an unbounded amount of data.
 *
 * Counted where keys leave the request's loaders in batches: DataLoader has
 * already removed duplicates, and entries answered from this process's L1
 * never get there, so a warm request costs nothing here. Past the limit,
 * each key of a batch fails with RESOURCE_LIMIT_EXCEEDED: the fields that
 * needed it are null with that error, and the rest of the response stands.
 */
import { resourceLimitExceeded } from '../errors/catalogue';

export class KeyBudget {
  private used = 0;

  /** `limit` 0: no bound. */
  constructor(private readonly limit: number) {}

  /** Takes `keys` from the budget; the error their loads fail with once it is spent. */
  take(keys: number): Error | null {
    this.used += keys;
    if (this.limit <= 0 || this.used <= this.limit) return null;
    return resourceLimitExceeded(
      'downstreamKeys',
      this.limit,
      this.used,
      `A request may send at most ${this.limit} distinct keys downstream; this one needed ${this.used}. Ask for fewer items.`,
    );
  }
}
