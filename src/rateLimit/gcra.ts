/**
 * The generic cell rate algorithm (GCRA): the arithmetic of every budget,
 * shared by the in-process limiter (memoryLimiter.ts) and, line for line, by
 * the Lua script that keeps the fleet's budgets in Redis (redisLimiter.ts).
 *
 * Why GCRA: a budget of `limit` units per `period` is one number per client
 * and budget, the theoretical arrival time (TAT) of the next unit, and one
 * comparison per request. It spends a whole budget at once if the client was
 * idle for a period, then admits one unit per `period / limit`, so a client
 * is never refused merely because a fixed window happened to turn over.
 *
 * Times are integer microseconds: TATs near 1.7e15 are exact in a double, and
 * each step rounds down (a client gains under 1 µs per request), so the same
 * numbers come out of JavaScript and of Redis's Lua.
 *
 * A refused request changes nothing: the budgets hold what was admitted, and
 * a client that waits `Retry-After` seconds is admitted (the behaviour of
 * redis-cell's CL.THROTTLE).
 */

export type BudgetName = 'requests' | 'cost' | 'registrations';

export interface Budget {
  /** The policy name of the RateLimit headers, and part of the Redis key. */
  name: BudgetName;
  /** Units a client may spend per period. */
  limit: number;
  /** The period, in milliseconds (60 000 for the per-minute budgets). */
  periodMs: number;
  /** Consulted only by requests that charge it (persisted-query registrations); else by every request. */
  chargedOnly?: boolean;
}

/** What one request spends; `cost` is the operation's estimated cost (0 if unknown). */
export interface Charge {
  requests: number;
  cost: number;
  registrations?: number;
}

/** A budget a charge consults, and the units it asks of it. */
export interface Consulted {
  budget: Budget;
  quantity: number;
}

/** What one budget says of one request. */
export interface BudgetVerdict {
  budget: Budget;
  /** Units this request asked of the budget. */
  quantity: number;
  /** The budget alone would admit the request. */
  fits: boolean;
  /** Units in use in the current period, this request included (the "value" of an error message). */
  used: number;
  /** Units left once this request is settled (admitted: after it; refused: as before it). */
  remaining: number;
  /** Seconds until the budget is whole again. */
  resetSeconds: number;
  /** Seconds until this request would fit: 0 when it fits, null when it never can (more than the whole budget). */
  retryAfterSeconds: number | null;
}

export interface Decision {
  /** Every budget consulted admits the request (and each was charged); else none was. */
  allowed: boolean;
  verdicts: BudgetVerdict[];
  /** Where the budgets were kept: Redis (the fleet's) or this process (Redis absent or failing). */
  store: 'redis' | 'memory';
}

/** One budget's state in microseconds relative to now: where its TAT is, and where this request would put it. */
export interface Offsets {
  /** max(TAT, now) − now: the units in use, in time. */
  base: number;
  /** The TAT this request would set, − now. */
  candidate: number;
}

/** Times are kept in microseconds. */
export const MICROS_PER_MS = 1000;

/** The budgets a charge consults, with the units it asks of each. */
export function applicable(budgets: readonly Budget[], charge: Charge): Consulted[] {
  return budgets
    .map((budget) => ({ budget, quantity: quantityOf(budget.name, charge) }))
    .filter(({ budget, quantity }) => quantity > 0 || !budget.chargedOnly);
}

/**
 * One GCRA step over a client's stored TATs (absolute µs, null when absent or
 * expired): whether every budget admits the request, the TAT each would then
 * hold, and each budget's offsets. Lua (redisLimiter.ts) repeats exactly this.
 */
export function step(stored: readonly (number | null)[], nowUs: number, consulted: readonly Consulted[]): { allowed: boolean; tats: number[]; offsets: Offsets[] } {
  const tats: number[] = [];
  const offsets: Offsets[] = [];
  consulted.forEach(({ budget, quantity }, i) => {
    const tat = stored[i] ?? null;
    const base = tat !== null && tat > nowUs ? tat : nowUs;
    const candidate = Math.floor(base + quantity * intervalUs(budget));
    tats.push(candidate);
    offsets.push({ base: base - nowUs, candidate: candidate - nowUs });
  });
  return { allowed: consulted.every(({ budget }, i) => withinPeriod(offsets[i] as Offsets, budget)), tats, offsets };
}

/** The verdicts of one step, from each budget's offsets and whether all of them fitted. */
export function verdicts(consulted: readonly Consulted[], offsets: readonly Offsets[], allowed: boolean): BudgetVerdict[] {
  return consulted.map(({ budget, quantity }, i) => {
    const { base, candidate } = offsets[i] as Offsets;
    const period = budget.periodMs * MICROS_PER_MS;
    const interval = intervalUs(budget);
    const after = allowed ? candidate : base;
    const ok = withinPeriod(offsets[i] as Offsets, budget);
    return {
      budget,
      quantity,
      fits: ok,
      used: Math.ceil(candidate / interval),
      remaining: Math.max(0, Math.floor((period - after) / interval)),
      resetSeconds: Math.ceil(after / 1e6),
      retryAfterSeconds: ok ? 0 : quantity > budget.limit ? null : Math.ceil((candidate - period) / 1e6),
    };
  });
}

function quantityOf(name: BudgetName, charge: Charge): number {
  const value = charge[name] ?? 0;
  return Number.isFinite(value) && value > 0 ? value : 0;
}

/** The emission interval: microseconds one unit of the budget takes to come back. */
function intervalUs(budget: Budget): number {
  return (budget.periodMs * MICROS_PER_MS) / budget.limit;
}

/** A TAT may run at most one period ahead of now. */
function withinPeriod(offsets: Offsets, budget: Budget): boolean {
  return offsets.candidate <= budget.periodMs * MICROS_PER_MS;
}
