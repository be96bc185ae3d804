/**
 * The gateway's rate limiter: each client's budgets (requests, estimated
 * cost, persisted-query registrations per minute), shared by the fleet
 * through Redis, held in process when Redis is absent or failing.
 *
 * Why in-process and not fail-open when Redis fails: a limiter that lets
 * everything through whenever Redis is slow is off exactly when the fleet is
 * under the most stress, and a client that can make Redis slow could switch
 * it off. Falling back per request to this process's own GCRA keeps every
 * budget enforced per instance (an outage multiplies a client's budget by the
 * number of instances, at worst), and costs no round trip: while the
 * connection is down, or Redis's breaker is open (cache/redisBreaker.ts),
 * Redis is not even tried. A call that times out may still have been charged
 * in Redis; the client then pays twice for that one request, which errs on
 * the side of the budget.
 *
 * Charges are tracked until they settle, so `settled()` (gateway.settled())
 * lets a test wait for a charge the endpoint made after its response.
 */
import type { Logger } from '../logging/logger';
import type { Budget, Charge, Decision } from './gcra';
import { MemoryLimiter } from './memoryLimiter';
import { RedisLimiter, type RedisLimiterOptions } from './redisLimiter';

export interface RateLimiterOptions {
  /** The budgets every client gets; an empty list turns the limiter into a no-op. */
  budgets: readonly Budget[];
  /** The fleet's shared store (with the cache's breaker); null = this process only (no REDIS_URL). */
  redis: Omit<RedisLimiterOptions, 'budgets'> | null;
  /** The gateway's clock, ms since epoch. */
  now: () => number;
  logger: Logger;
  /** TATs the in-process limiter keeps at most. Default 50 000. */
  memoryEntries?: number;
}

/** The per-minute budgets of the configuration; a null limit is no budget. */
export function perMinuteBudgets(limits: { requests: number | null; cost: number | null; registrations: number | null }): Budget[] {
  const budgets: Budget[] = [];
  if (limits.requests) budgets.push({ name: 'requests', limit: limits.requests, periodMs: 60_000 });
  if (limits.cost) budgets.push({ name: 'cost', limit: limits.cost, periodMs: 60_000 });
  if (limits.registrations) budgets.push({ name: 'registrations', limit: limits.registrations, periodMs: 60_000, chargedOnly: true });
  return budgets;
}

export class RateLimiter {
  private readonly memory: MemoryLimiter;
  private readonly redis: RedisLimiter | null;
  private readonly pending = new Set<Promise<unknown>>();
  private degraded = false;

  constructor(private readonly options: RateLimiterOptions) {
    const { budgets, now } = options;
    this.memory = new MemoryLimiter({ budgets, now, ...(options.memoryEntries ? { maxEntries: options.memoryEntries } : {}) });
    this.redis = options.redis && budgets.length > 0 ? new RedisLimiter({ ...options.redis, budgets }) : null;
  }

  /** Some budget is on. */
  get enabled(): boolean {
    return this.options.budgets.length > 0;
  }

  /** Budgets are kept in Redis now (false: in this process, by configuration or because Redis is down). */
  get shared(): boolean {
    return this.redis?.ready === true;
  }

  /**
   * Checks the client's budgets and, if every one admits the charge, charges
   * them all, at once. Null when no budget applies. Never rejects. The
   * decision itself, not a promise of it, when nothing is waited for (no
   * budget, or budgets held in this process only: no Redis configured).
   */
  consume(client: string, charge: Charge): Decision | null | Promise<Decision | null> {
    if (!this.redis) return this.memory.consume(client, charge);
    const work = this.decide(client, charge);
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
    return work;
  }

  /** Resolves once every charge started so far has been decided. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  close(): void {
    this.redis?.close();
  }

  private async decide(client: string, charge: Charge): Promise<Decision | null> {
    if (this.redis?.ready) {
      try {
        const decision = await this.redis.consume(client, charge, this.options.now());
        if (this.degraded) this.options.logger.info('rate limits: Redis answers again; budgets are the fleet\'s again');
        this.degraded = false;
        return decision;
      } catch (error) {
        this.fallBack(error);
      }
    } else if (this.redis) {
      this.fallBack(new Error('Redis is not connected, or its breaker is open'));
    }
    return this.memory.consume(client, charge);
  }

  private fallBack(error: unknown): void {
    if (this.degraded) return;
    this.degraded = true;
    this.options.logger.warn({ err: error }, 'rate limits: Redis failed; budgets are held per instance until it answers');
  }
}
