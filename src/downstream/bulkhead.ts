/**
 * A bulkhead per downstream service: at most `maxConcurrent` of its calls in
 * flight, and at most `maxQueued` waiting for a slot; past both, a call fails
 * at once (DOWNSTREAM_UNAVAILABLE, outcome `bulkhead`).
 *
 * Why: a slow service otherwise takes everything a request has: its calls
 * pile up, every request waits on them, and the requests' calls to healthy
 * services pile up behind them too. With a bulkhead, a slow service can only
 * fill its own slots; calls beyond them fail fast, and other services keep
 * their connections and their time. Time spent waiting here is the request's
 * (bounded by its deadline), never the service's: the call's own timeout
 * starts when it goes out, so a queue never makes a healthy service look slow
 * to its circuit breaker.
 */

/** Why a call never went out: no slot, and no room to wait for one. */
export class BulkheadFull extends Error {
  constructor(readonly maxConcurrent: number, readonly maxQueued: number) {
    super(`all ${maxConcurrent} call slots are busy and ${maxQueued} calls are waiting`);
  }
}

interface Waiter {
  grant: () => void;
  reject: (reason: unknown) => void;
  cleanup: () => void;
}

export class Bulkhead {
  private active = 0;
  private readonly queue: Waiter[] = [];

  /** `maxConcurrent` 0: no bound. */
  constructor(
    readonly maxConcurrent: number,
    readonly maxQueued: number,
  ) {}

  /** A free slot's release function, or null when every slot is busy (then `wait`). */
  tryAcquire(): (() => void) | null {
    if (this.maxConcurrent <= 0) return NOOP;
    if (this.active >= this.maxConcurrent) return null;
    this.active++;
    return this.release;
  }

  /**
   * Resolves with the function that releases the slot once one is free.
   * Rejects with BulkheadFull when no room is left to wait, or with
   * `signal`'s reason if it aborts while waiting (the request gave up, or its
   * deadline came).
   */
  wait(signal?: AbortSignal): Promise<() => void> {
    const free = this.tryAcquire();
    if (free) return Promise.resolve(free);
    if (this.queue.length >= this.maxQueued) return Promise.reject(new BulkheadFull(this.maxConcurrent, this.maxQueued));
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const index = this.queue.indexOf(waiter);
        if (index >= 0) this.queue.splice(index, 1);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        grant: () => resolve(this.release),
        reject,
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
    });
  }

  /** Calls in flight and waiting, for readiness and tests. */
  get load(): { active: number; queued: number } {
    return { active: this.active, queued: this.queue.length };
  }

  private readonly release = (): void => {
    const next = this.queue.shift();
    if (next) {
      next.cleanup();
      next.grant(); // the slot passes straight to the next call
    } else {
      this.active--;
    }
  };
}

const NOOP = (): void => undefined;
