/**
 * Callers waiting, each for a bounded time, until a connection is ready:
 * the channel feed's subscribers (redis/channelFeed.ts `whenUp`) and the
 * event bus's publishes (subscriptions/redisEventBus.ts).
 *
 * Why wake-ups rather than polling: the owner already hears when a
 * connection becomes ready (ioredis's `ready`), so a waiter is woken then,
 * checks the condition it waits for (on a cluster, every master), and is
 * gone; no timer runs but the waiter's own deadline, which is unref'd so a
 * wait never holds the process open.
 */
export class Waiters {
  private readonly waiting = new Set<() => void>();

  /** Resolves true at the first `wake` after which `ready()` holds, false after `ms` without one. */
  wait(ms: number, ready: () => boolean = () => true): Promise<boolean> {
    return new Promise((resolve) => {
      const wake = () => {
        if (!ready()) return;
        clearTimeout(timer);
        this.waiting.delete(wake);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.waiting.delete(wake);
        resolve(false);
      }, ms);
      timer.unref();
      this.waiting.add(wake);
    });
  }

  /** Something became ready: every waiter checks its condition. */
  wake(): void {
    for (const wake of [...this.waiting]) wake();
  }

  /** Forgets the waiters (each still resolves false at its deadline). */
  clear(): void {
    this.waiting.clear();
  }
}
