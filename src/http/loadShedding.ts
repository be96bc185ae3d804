/**
 * Load shedding: when the gateway has more GraphQL requests in flight than it
 * should, or its event loop is late, a new request is refused at once (503
 * OVERLOADED with `Retry-After`), before its body is read.
 *
 * Why: past saturation, every admitted request makes all the others slower;
 * without a bound, latency grows until clients time out and retry, and the
 * gateway does work nobody waits for. Refusing early costs microseconds and
 * keeps the admitted requests' latency where it is at saturation. Health,
 * readiness, metrics and the playground are never shed: only the GraphQL
 * endpoints ask `admit()`.
 *
 * The defaults never shed a merely busy gateway: 400 in flight is above the
 * 300-request burst it must absorb (and below the 512 connections, so the
 * bound can be reached at all); an event loop 1 s late is far beyond what
 * saturation causes (tens of ms) and means every request already waits a
 * second before its first line of code runs.
 */
import type { SheddingOptions } from '../config';
import { createEventLoopDelay, type EventLoopDelay } from './eventLoopDelay';

export interface LoadShedderOptions extends SheddingOptions {
  /** Milliseconds, monotonic. Default performance.now. */
  now?: () => number;
  /** The event-loop delay source; default one sampling every 100 ms over `eventLoopWindowMs`. */
  eventLoopDelay?: EventLoopDelay;
}

export type ShedReason = 'in-flight' | 'event-loop-delay';

export type Admission =
  | { admitted: true; /** Call once the response is out; a second call does nothing. */ release(): void }
  | { admitted: false; reason: ShedReason; retryAfterS: number; message: string };

/** What `/readyz` shows under `shedding`. */
export interface SheddingStatus {
  /** A new request would be refused now, or one was in the last second. */
  active: boolean;
  reason: ShedReason | null;
  inFlight: number;
  maxInFlight: number;
  eventLoopDelayMs: number;
  maxEventLoopDelayMs: number;
  /** Requests refused since start. */
  shedTotal: number;
  /** How long the current active period has lasted (0 when not active). */
  activeForMs: number;
  /** Active for `unreadyAfterMs` or more (never when that is 0): `/readyz` answers 503. */
  persistent: boolean;
}

export interface LoadShedder {
  admit(): Admission;
  status(): SheddingStatus;
  /** Forgets the event-loop delay sampled before now: called once the gateway starts serving, after its start-up stalled the loop. */
  startServing(): void;
  stop(): void;
}

/** A refusal keeps the shedder reported active this long, so steady overload reads as one period. */
export const ACTIVE_GRACE_MS = 1000;

export function createLoadShedder(options: LoadShedderOptions): LoadShedder {
  const { maxInFlight, maxEventLoopDelayMs, retryAfterS, unreadyAfterMs } = options;
  const now = options.now ?? (() => performance.now());
  const loop = options.eventLoopDelay ?? (maxEventLoopDelayMs > 0 ? createEventLoopDelay({ windowMs: options.eventLoopWindowMs, now }) : null);
  let inFlight = 0;
  let shedTotal = 0;
  let lastActiveAt = -Infinity;
  let activeSince = 0;
  // At the in-flight bound from the admission that reached it to the release that left it:
  // known exactly, so a period at the bound is one period however rarely anyone looks.
  let atBound = false;

  const delayMs = () => (loop ? loop.delayMs() : 0);
  const overloadedBy = (delay: number): ShedReason | null =>
    maxInFlight > 0 && inFlight >= maxInFlight ? 'in-flight' : maxEventLoopDelayMs > 0 && delay > maxEventLoopDelayMs ? 'event-loop-delay' : null;
  const markActive = (t: number) => {
    if (!atBound && t - lastActiveAt >= ACTIVE_GRACE_MS) activeSince = t;
    lastActiveAt = t;
  };

  return {
    admit() {
      const delay = delayMs();
      const reason = overloadedBy(delay);
      if (reason) {
        shedTotal++;
        markActive(now());
        const why =
          reason === 'in-flight'
            ? `${inFlight} GraphQL requests are in flight and the limit is ${maxInFlight}`
            : `its event loop is ${Math.round(delay)} ms behind and the limit is ${maxEventLoopDelayMs} ms`;
        return { admitted: false, reason, retryAfterS, message: `The gateway is overloaded: ${why}; retry after ${retryAfterS} s.` };
      }
      inFlight++;
      if (inFlight === maxInFlight) {
        markActive(now());
        atBound = true;
      }
      let released = false;
      return {
        admitted: true,
        release() {
          if (released) return;
          released = true;
          if (atBound && inFlight === maxInFlight) {
            atBound = false;
            lastActiveAt = now();
          }
          inFlight--;
        },
      };
    },
    status() {
      const t = now();
      const delay = delayMs();
      const reason = overloadedBy(delay);
      if (reason) markActive(t);
      const active = t - lastActiveAt < ACTIVE_GRACE_MS;
      const activeForMs = active ? t - activeSince : 0;
      return {
        active,
        reason,
        inFlight,
        maxInFlight,
        eventLoopDelayMs: Math.round(delay),
        maxEventLoopDelayMs,
        shedTotal,
        activeForMs: Math.round(activeForMs),
        persistent: active && unreadyAfterMs > 0 && activeForMs >= unreadyAfterMs,
      };
    },
    startServing() {
      loop?.reset();
    },
    stop() {
      if (!options.eventLoopDelay) loop?.stop();
    },
  };
}
