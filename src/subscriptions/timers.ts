/**
 * The clock and timers of everything subscriptions do over time: token
 * expiry, socket pings, the stock poller, the registration of watched
 * products.
 *
 * Why injected: tests drive hours of intervals and expiries by advancing a
 * manual clock, and never sleep. The system timers are unref'd: a timer of a
 * live connection or of the poller never keeps a process alive by itself;
 * the gateway's server does, until it closes.
 */
export interface TimerHandle {
  /** Cancels the timer; a second call does nothing. */
  cancel(): void;
}

export interface Timers {
  /** Milliseconds since the epoch: token expiry and the fleet's shared Redis scores compare to it. */
  now(): number;
  /** Calls `fn` once, `ms` from now (a manual clock may wait for the promise it returns). */
  after(ms: number, fn: () => void | Promise<void>): TimerHandle;
}

export const systemTimers: Timers = {
  now: () => Date.now(),
  after(ms, fn) {
    const timer = setTimeout(fn, Math.max(0, ms));
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
};

/** Calls `fn` every `ms` (after each call, the next is scheduled once it has settled) until stopped. */
export function every(timers: Timers, ms: number, fn: () => void | Promise<void>): TimerHandle {
  let handle: TimerHandle | null = null;
  let stopped = false;
  const schedule = () => {
    if (stopped) return;
    handle = timers.after(ms, () =>
      Promise.resolve()
        .then(fn)
        .catch(() => undefined)
        .finally(schedule),
    );
  };
  schedule();
  return {
    cancel() {
      stopped = true;
      handle?.cancel();
    },
  };
}
