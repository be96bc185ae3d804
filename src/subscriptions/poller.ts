/**
 * The fleet's stock poller: stock can change outside the gateway (a
 * warehouse correction, another sales channel), and subscribers should see
 * that too. Every interval, each instance registers the products its
 * subscriptions watch; the one instance holding the poller's lock reads the
 * stock of every product watched anywhere in ONE batched inventory call, and
 * publishes only the levels that changed since it last looked.
 *
 * Why one caller: the inventory's load must not grow with the number of
 * instances or subscribers. Why a lock with a time-to-live renewed by every
 * run: a holder that dies stops renewing, and another instance takes over
 * within three intervals; a holder that shuts down gives it up at once. Why
 * the last levels are shared (pollerStore.ts): a new holder then still
 * publishes only changes. More watched products than one call takes
 * (STOCK_POLL_MAX_PRODUCTS, at most the inventory's 100) are read in turn,
 * one window per run.
 */
import type { DownstreamStockLevel } from '../contract/payloads';
import type { WatchedProduct } from '../domain/live';
import type { Logger } from '../logging/logger';
import { levelKey } from './messages';
import type { PollerStore } from './pollerStore';
import { every, type TimerHandle, type Timers } from './timers';

/** What one interval did on this instance: read the stock, had nothing to read, left it to the lock's holder, or failed. */
export type PollOutcome = 'polled' | 'idle' | 'standby' | 'failed';
export const POLL_OUTCOMES: readonly PollOutcome[] = ['polled', 'idle', 'standby', 'failed'];

export interface StockPollerOptions {
  store: PollerStore;
  /** The products this instance's subscriptions watch now. */
  watchedHere: () => readonly WatchedProduct[];
  /** Publishes changed levels to the fleet's subscribers. */
  publish: (changes: { productId: string; level: DownstreamStockLevel }[]) => Promise<void>;
  /** One inventory call. */
  readStock: (skus: readonly string[]) => Promise<DownstreamStockLevel[]>;
  /** STOCK_POLL_INTERVAL_MS. */
  intervalMs: number;
  /** STOCK_POLL_MAX_PRODUCTS: SKUs per call. */
  maxProducts: number;
  timers: Timers;
  /** This instance's id, unique in the fleet: the lock's value. */
  owner: string;
  logger: Logger;
  /** Each interval's outcome, and each inventory call (metrics). */
  onRun: (outcome: PollOutcome) => void;
}

export class StockPoller {
  private timer: TimerHandle | null = null;
  private holding = false;
  /** SKU → last level seen, while this instance holds the lock. */
  private readonly seen = new Map<string, string>();
  private cursor = 0;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly options: StockPollerOptions) {}

  /** Each interval from now: register, then poll if this instance holds the lock. */
  start(): void {
    this.timer ??= every(this.options.timers, this.options.intervalMs, () => this.tick());
  }

  /** Registers products watched here for the first time now, rather than at the next interval. */
  watchNow(products: readonly WatchedProduct[]): void {
    this.options.store.watch(products, this.options.timers.now() + this.ttlMs).catch((error: unknown) => {
      this.options.logger.warn({ err: error }, 'watched products could not be registered for the stock poller');
    });
  }

  /** Stops the interval and gives the lock up, so another instance polls from its next interval. */
  async stop(): Promise<void> {
    this.timer?.cancel();
    this.timer = null;
    await this.running.catch(() => undefined);
    if (this.holding) {
      this.holding = false;
      await this.options.store.release(this.options.owner).catch(() => undefined);
    }
  }

  /** One interval's work (the timer calls it; resolves when it is done). */
  tick(): Promise<void> {
    this.running = this.run().then(
      (outcome) => this.options.onRun(outcome),
      (error: unknown) => {
        this.options.logger.warn({ err: error }, 'the stock poller failed; it tries again next interval');
        this.options.onRun('failed');
      },
    );
    return this.running;
  }

  private get ttlMs(): number {
    return 3 * this.options.intervalMs;
  }

  private async run(): Promise<PollOutcome> {
    const { store, timers, owner, maxProducts } = this.options;
    const now = timers.now();
    await store.watch(this.options.watchedHere(), now + this.ttlMs);
    if (!(await store.acquire(owner, this.ttlMs))) {
      this.holding = false;
      this.seen.clear();
      return 'standby';
    }
    this.holding = true;
    const watched = (await store.watched(now)).sort((a, b) => (a.productId < b.productId ? -1 : 1));
    if (watched.length === 0) return 'idle';
    const window = this.nextWindow(watched, maxProducts);
    const bySku = new Map(window.map((p) => [p.sku, p.productId]));
    const unknown = [...bySku.keys()].filter((sku) => !this.seen.has(sku));
    for (const [sku, level] of await store.lastLevels(unknown)) this.seen.set(sku, level);

    const levels = await this.options.readStock([...bySku.keys()]);
    const changes: { productId: string; level: DownstreamStockLevel }[] = [];
    const updated = new Map<string, string>();
    for (const level of levels) {
      const productId = bySku.get(level.sku);
      if (productId === undefined) continue;
      const key = levelKey(level);
      const before = this.seen.get(level.sku);
      if (before === key) continue;
      // A level seen for the first time is where changes start from, not a change.
      if (before !== undefined) changes.push({ productId, level });
      updated.set(level.sku, key);
      this.seen.set(level.sku, key);
    }
    const skus = new Set(watched.map((p) => p.sku));
    for (const sku of this.seen.keys()) if (!skus.has(sku)) this.seen.delete(sku);
    await this.options.publish(changes);
    await store.saveLevels(updated, 10 * this.ttlMs);
    return 'polled';
  }

  /** The next `size` products, in turn, when more are watched than one call takes. */
  private nextWindow(watched: WatchedProduct[], size: number): WatchedProduct[] {
    if (watched.length <= size) return watched;
    const start = this.cursor % watched.length;
    this.cursor = start + size;
    return [...watched, ...watched].slice(start, start + size);
  }
}
