/**
 * A breaker for Redis's command paths: after `threshold` consecutive round
 * trips that got no answer, Redis is skipped for `cooldownMs`, then one trial
 * command goes through (half-open); an answer closes the breaker, no answer
 * opens it for another cooldown.
 *
 * Why: a dead Redis costs nothing (the connection is down, so `ready` is false
 * and callers skip it at once), but a frozen one (SIGSTOP, a stalled host, a
 * partition that leaves the TCP connection open) still counts as connected:
 * every request would wait the full command timeout, per round trip. With the
 * breaker open, the clients' `ready` is false, exactly as when the connection
 * is down, so a frozen Redis costs `threshold` timeouts per cooldown, no more.
 *
 * What counts: a round trip answered (a reply error such as WRONGTYPE or
 * NOSCRIPT is an answer: Redis is responsive, so it does not count against
 * it) or not (a command timeout, a connection lost or not writable, and a
 * cluster node's CLUSTERDOWN: it answers, but the cluster serves nothing). A
 * connection that becomes ready again has answered its ready check, so
 * `answered()` closes the breaker at once. Results of round trips sent before
 * the breaker last changed state are ignored: they say nothing about now.
 *
 * One breaker per Redis server and process: the cache's client and the rate
 * limiter's share it (gateway.ts), so a freeze noticed by either spares both.
 * The clock is injected, so tests move the cooldown without sleeping.
 */
import { ReplyError } from 'ioredis';

export interface RedisBreakerOptions {
  /** Consecutive unanswered round trips that open the breaker; 0 = never (off). REDIS_BREAKER_THRESHOLD, default 3. */
  threshold: number;
  /** Milliseconds an open breaker skips Redis before one trial command. REDIS_BREAKER_COOLDOWN_MS, default 5000. */
  cooldownMs: number;
  /** The clock, ms since epoch (the gateway's). Default Date.now. */
  now?: () => number;
}

/** `open`: cooling down, Redis is skipped; `half-open`: the cooldown is over, one trial may go (or is under way). */
export type RedisBreakerPhase = 'closed' | 'open' | 'half-open';

/** What /readyz and metrics read. */
export interface RedisBreakerState {
  phase: RedisBreakerPhase;
  /** When it last opened (or a trial failed), ms since epoch; null while closed. */
  openSince: number | null;
  consecutiveFailures: number;
  /** A half-open trial command is under way. */
  trialInFlight: boolean;
}

/** What a command refused by the breaker rejects with (it was never sent). */
export class RedisBreakerOpenError extends Error {
  readonly code = 'REDIS_BREAKER_OPEN';
  constructor() {
    super('Redis is skipped: its breaker is open');
  }
}

/** A failed command that nonetheless got Redis's answer (CLUSTERDOWN is Redis saying it cannot serve: not one). */
export function isAnswer(error: unknown): boolean {
  return error instanceof ReplyError && !(error as Error).message.startsWith('CLUSTERDOWN');
}

/** A pipeline's results: answered unless some command failed without a reply. */
export function pipelineAnswered(results: readonly [Error | null, unknown][]): boolean {
  return results.every(([error]) => !error || isAnswer(error));
}

interface Ticket {
  epoch: number;
  trial: boolean;
}

export class RedisBreaker {
  private readonly now: () => number;
  private failures = 0;
  private openedAt: number | null = null;
  private trialInFlight = false;
  /** Bumped on every change of state: results of round trips sent before it are ignored. */
  private epoch = 0;
  private readonly listeners: ((open: boolean) => void)[] = [];

  constructor(private readonly options: RedisBreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** May a command be sent now? False while open, and while a half-open trial is under way. */
  get allows(): boolean {
    if (this.openedAt === null) return true;
    return this.coolingDownUntil() <= this.now() && !this.trialInFlight;
  }

  /** Not closed (open or half-open): the `gateway_redis_breaker_open` gauge. */
  get open(): boolean {
    return this.openedAt !== null;
  }

  state(): RedisBreakerState {
    const phase: RedisBreakerPhase = this.openedAt === null ? 'closed' : this.coolingDownUntil() > this.now() ? 'open' : 'half-open';
    return { phase, openSince: this.openedAt, consecutiveFailures: this.failures, trialInFlight: this.trialInFlight };
  }

  /** Called with true when the breaker opens, false when it closes (not on a failed trial: it stays open). */
  onChange(listener: (open: boolean) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Sends one round trip through the breaker, or rejects with
   * RedisBreakerOpenError without sending it. `answered` says whether a
   * result that resolved got Redis's answer (a pipeline's per-command errors).
   */
  async run<T>(send: () => Promise<T>, answered: (result: T) => boolean = () => true): Promise<T> {
    const ticket = this.claim();
    if (!ticket) throw new RedisBreakerOpenError();
    let result: T;
    try {
      result = await send();
    } catch (error) {
      this.settle(ticket, isAnswer(error));
      throw error;
    }
    this.settle(ticket, answered(result));
    return result;
  }

  /** Redis answered outside `run` (a connection's ready check): close. */
  answered(): void {
    if (this.openedAt === null) this.failures = 0;
    else this.close();
  }

  private coolingDownUntil(): number {
    return (this.openedAt ?? -Infinity) + this.options.cooldownMs;
  }

  private claim(): Ticket | null {
    if (this.openedAt === null) return { epoch: this.epoch, trial: false };
    if (!this.allows) return null;
    this.trialInFlight = true;
    return { epoch: this.epoch, trial: true };
  }

  private settle(ticket: Ticket, answered: boolean): void {
    if (ticket.epoch !== this.epoch) return;
    if (ticket.trial) this.trialInFlight = false;
    if (answered) {
      if (this.openedAt === null) this.failures = 0;
      else if (ticket.trial) this.close();
      return;
    }
    if (this.openedAt !== null && !ticket.trial) return;
    this.failures++;
    if (this.openedAt !== null) {
      this.openedAt = this.now(); // a failed trial: another cooldown
      this.epoch++;
    } else if (this.options.threshold > 0 && this.failures >= this.options.threshold) {
      this.openedAt = this.now();
      this.epoch++;
      for (const listener of this.listeners) listener(true);
    }
  }

  private close(): void {
    this.failures = 0;
    this.openedAt = null;
    this.trialInFlight = false;
    this.epoch++;
    for (const listener of this.listeners) listener(false);
  }
}
