/**
 * How far behind the event loop is: a timer asks to run every `intervalMs`
 * and records how late it ran. The delay is the largest lateness of the last
 * `windowMs`, so one stall is seen for a window's length after it, and a
 * loop that is late on every tick is seen all along.
 *
 * Why a timer and not `perf_hooks.monitorEventLoopDelay`: the same signal
 * (a late timer is what a newly arrived request waits for, too) at one
 * callback per 100 ms, and the clock and the scheduler can be handed in, so
 * the unit tests drive it tick by tick with no real time passing.
 */

export interface EventLoopDelayOptions {
  /** How often the timer asks to run, in ms. Default 100. */
  intervalMs?: number;
  /** The delay reported is the largest lateness sampled in this many ms. Default 1000. */
  windowMs?: number;
  /** Milliseconds, monotonic. Default performance.now. */
  now?: () => number;
  /**
   * Calls `tick` every `intervalMs`; returns a function that stops it.
   * Default: an unref'd setInterval (it never keeps the process alive).
   */
  schedule?: (tick: () => void, intervalMs: number) => () => void;
}

export interface EventLoopDelay {
  /** The largest lateness, in ms, of the ticks of the last window (0 when none was late). */
  delayMs(): number;
  /** Forgets what was sampled so far (the gateway's own start-up stalls the loop before it serves anyone). */
  reset(): void;
  stop(): void;
}

export function createEventLoopDelay(options: EventLoopDelayOptions = {}): EventLoopDelay {
  const intervalMs = options.intervalMs ?? 100;
  const windowMs = options.windowMs ?? 1000;
  const now = options.now ?? (() => performance.now());
  const schedule = options.schedule ?? everyInterval;
  // A ring of the last window's samples: when each was taken, and how late it was.
  const size = Math.max(1, Math.ceil(windowMs / intervalMs) + 1);
  const at = new Float64Array(size).fill(-Infinity);
  const late = new Float64Array(size);
  let next = 0;
  let last = now();

  const stop = schedule(() => {
    const t = now();
    at[next] = t;
    late[next] = Math.max(0, t - last - intervalMs);
    next = (next + 1) % size;
    last = t;
  }, intervalMs);

  return {
    delayMs() {
      const since = now() - windowMs;
      let max = 0;
      for (let i = 0; i < size; i++) if ((at[i] as number) >= since && (late[i] as number) > max) max = late[i] as number;
      return max;
    },
    reset() {
      at.fill(-Infinity);
      last = now();
    },
    stop,
  };
}

function everyInterval(tick: () => void, intervalMs: number): () => void {
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
