/**
 * Decides when each of a request's DataLoader batches goes downstream.
 *
 * DataLoader on its own sends a batch at the end of the tick in which its
 * first key arrived. That is right for most loaders, but it splits batches
 * that a little patience would have merged. On the web product page, the
 * product's own rating is known at once, while the ratings of its eight
 * recommended products are known only when the recommendations service
 * answers. Sent eagerly, that is two calls to `GET /ratings`; held until the
 * recommendations arrive, it is one, and the page is not slower, because the
 * recommended products must be fetched after that answer anyway.
 *
 * So the scheduler knows, for each *leaf* loader (one whose results never lead
 * to another downstream call: ratings, stock, users), which loaders feed it
 * keys. A pending leaf batch waits while one of its feeders is in flight
 * (including one sent in the same flush); every other batch goes at the next
 * flush. A held leaf is looked at again whenever a feeder comes back.
 *
 * The request's held Redis reads are one more pending batch (see
 * cache/cacheSession.ts: the session hands the scheduler their dispatch, as a
 * DataLoader hands it a batch). They go last in a flush, after every batch it
 * sent has made its own L1 misses known, and only while no downstream fetch of
 * the request is out: the fetches still out are what the next level's lookups
 * wait for, so they join one pipeline instead of one per service that answers.
 * A held read is looked at again whenever a fetch comes back.
 *
 * A flush runs on `setImmediate`, after the current I/O callbacks and all
 * their promise jobs: every resolver that can run before the next downstream
 * answer has run, so batches are as large as they can be without waiting.
 * The feeder table must stay acyclic (a loader never feeds itself, directly or
 * not), which guarantees that every waiting batch is eventually sent.
 *
 * With diagnostics on, the scheduler also tells each batch's call which
 * earlier call it waited for (diagnostics/callLog.ts): the answer before its
 * first key, or, if later, the answer its last feeder brought. Off, it has no
 * `causes` and does none of that.
 */
import type { ReadScheduler } from '../cache/cacheSession';
import type { CallCause, CallCauses } from '../diagnostics/callLog';

export type LoaderName =
  | 'product'
  | 'listing'
  | 'categories'
  | 'stock'
  | 'rating'
  | 'reviewPage'
  | 'user'
  | 'recommendations'
  | 'orderPage';

/** Which loaders' answers carry keys for which leaf loaders. */
export const FEEDERS: Partial<Record<LoaderName, readonly LoaderName[]>> = {
  rating: ['recommendations', 'listing'],
  stock: ['listing'],
  user: ['reviewPage'],
};

for (const [leaf, feeders] of Object.entries(FEEDERS)) {
  for (const feeder of feeders ?? []) {
    if (feeder in FEEDERS) throw new Error(`FEEDERS must stay acyclic: ${feeder} feeds ${leaf} but waits itself.`);
  }
}

interface PendingBatch {
  name: LoaderName;
  dispatch: () => void;
  /** With diagnostics: the last call answered when the batch's first key arrived. */
  cause?: CallCause;
}

export class BatchScheduler implements ReadScheduler {
  private pending: PendingBatch[] = [];
  private heldReads: (() => void)[] = [];
  private readonly inFlight = new Map<LoaderName, number>();
  private fetchesInFlight = 0;
  private armed = false;
  private flushing = false;
  /** With diagnostics: the last call answered when each loader's latest batch came back. */
  private readonly settledAfter = new Map<LoaderName, CallCause>();

  /** `causes`: the request's call log when diagnostics are on (its calls learn what they waited for). */
  constructor(private readonly causes: CallCauses | null = null) {}

  /** The `batchScheduleFn` for the loader called `name`. */
  scheduleFn(name: LoaderName): (dispatch: () => void) => void {
    return (dispatch) => {
      this.pending.push(this.causes ? { name, dispatch, cause: this.causes.lastAnswered() } : { name, dispatch });
      this.arm();
    };
  }

  /** Wraps a batch function so the scheduler knows while it is in flight. */
  track<K, V>(name: LoaderName, batch: (keys: readonly K[]) => Promise<V[]>): (keys: readonly K[]) => Promise<V[]> {
    return async (keys) => {
      this.inFlight.set(name, (this.inFlight.get(name) ?? 0) + 1);
      try {
        return await batch(keys);
      } finally {
        this.inFlight.set(name, (this.inFlight.get(name) as number) - 1);
        if (this.causes) this.settledAfter.set(name, this.causes.lastAnswered());
        if (this.pending.length > 0) this.arm();
      }
    };
  }

  scheduleRead(dispatch: () => void): void {
    this.heldReads.push(dispatch);
    // Asked for by a batch this flush is sending: the end of this flush looks at it.
    if (!this.flushing) this.arm();
  }

  async fetching<T>(fetch: () => Promise<T>): Promise<T> {
    this.fetchesInFlight++;
    try {
      return await fetch();
    } finally {
      if (--this.fetchesInFlight === 0 && this.heldReads.length > 0) this.arm();
    }
  }

  private arm(): void {
    if (this.armed) return;
    this.armed = true;
    setImmediate(this.flush);
  }

  private readonly flush = (): void => {
    this.armed = false;
    this.flushing = true;
    try {
      this.send();
    } finally {
      this.flushing = false;
    }
  };

  private send(): void {
    const batches = this.pending;
    this.pending = [];
    // Feeders first: dispatching a batch calls its (tracked) batch function at once,
    // so afterwards `inFlight` says exactly which feeders are really out. A batch
    // whose keys were all in DataLoader's memo calls nothing and holds nobody.
    for (const batch of batches) if (!FEEDERS[batch.name]) this.dispatch(batch);
    // Leaves feed nothing, so one pass decides: wait while a feeder is out, else go.
    for (const batch of batches) {
      const feeders = FEEDERS[batch.name];
      if (!feeders) continue;
      if (feeders.some((f) => (this.inFlight.get(f) ?? 0) > 0)) this.pending.push(batch);
      else this.dispatch(batch);
    }
    // Last, the held reads, including those the batches just sent asked for.
    if (this.fetchesInFlight > 0 || this.heldReads.length === 0) return;
    const reads = this.heldReads;
    this.heldReads = [];
    for (const dispatch of reads) dispatch();
  }

  /** Sends a batch; with diagnostics, its call is told which answer it waited for. */
  private dispatch(batch: PendingBatch): void {
    const causes = this.causes;
    if (!causes) return batch.dispatch();
    let cause = batch.cause ?? null;
    for (const feeder of FEEDERS[batch.name] ?? []) cause = causes.later(cause, this.settledAfter.get(feeder) ?? null);
    causes.within(cause, batch.dispatch);
  }
}
