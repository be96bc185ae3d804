/**
 * The budgets of one process: the same GCRA as the fleet's Redis script
 * (gcra.ts), held in an LRU of bounded size.
 *
 * Why it exists: without REDIS_URL it is the limiter; with Redis it takes
 * over for any request Redis cannot answer (down, or slower than its command
 * timeout), so an outage turns the fleet's budget into one budget per
 * instance rather than none. Memory stays bounded whatever clients come: past
 * `maxEntries` (client × budget) the least recently seen is forgotten, which
 * can only hand that client a fresh budget, never refuse anyone wrongly.
 */
import { LRUCache } from 'lru-cache';
import { applicable, MICROS_PER_MS, step, verdicts, type Budget, type Charge, type Decision } from './gcra';

export interface MemoryLimiterOptions {
  budgets: readonly Budget[];
  /** The clock, ms since epoch (the gateway's injected one). */
  now: () => number;
  /** TATs kept at most (one per client and budget). Default 50 000 (a few MB). */
  maxEntries?: number;
}

export const DEFAULT_MEMORY_ENTRIES = 50_000;

export class MemoryLimiter {
  private readonly tats: LRUCache<string, number>;

  constructor(private readonly options: MemoryLimiterOptions) {
    this.tats = new LRUCache<string, number>({ max: options.maxEntries ?? DEFAULT_MEMORY_ENTRIES });
  }

  /** Checks and charges every budget the charge consults, at once; null when none does. */
  consume(client: string, charge: Charge): Decision | null {
    const consulted = applicable(this.options.budgets, charge);
    if (consulted.length === 0) return null;
    const nowUs = Math.floor(this.options.now() * MICROS_PER_MS);
    const keys = consulted.map(({ budget }) => `${client}\u0000${budget.name}`);
    const { allowed, tats, offsets } = step(
      keys.map((key) => this.tats.get(key) ?? null),
      nowUs,
      consulted,
    );
    if (allowed) {
      consulted.forEach(({ quantity }, i) => {
        if (quantity > 0) this.tats.set(keys[i] as string, tats[i] as number);
      });
    }
    return { allowed, verdicts: verdicts(consulted, offsets, allowed), store: 'memory' };
  }

  /** TATs held now (for tests of the bound). */
  get size(): number {
    return this.tats.size;
  }
}
