/**
 * The gateway's live updates, built once per gateway: the event bus (Redis
 * with REDIS_URL, else in process), the fan-out to local subscribers
 * (liveHub.ts), and the fleet's stock poller with its shared state
 * (poller.ts, pollerStore.ts). The WebSocket server (server.ts) is built
 * apart, once the frontends' schemas exist, and runs on top of these.
 *
 * Redis commands of the live feed have their own timeout (1 s), not the
 * cache's: they are never on a request's path (publishing is not awaited by
 * the mutation, the poller runs on its own), and on a busy machine the
 * cache's 50 ms would lose events rather than save time.
 */
import { randomUUID } from 'node:crypto';
import type { SubscriptionOptions } from '../config';
import type { RedisTarget } from '../redis/connection';
import type { Downstream } from '../downstream';
import type { Logger } from '../logging/logger';
import { InProcessEventBus, type EventBus } from './eventBus';
import { LiveHub, type SubscriptionField } from './liveHub';
import { StockPoller, type PollOutcome } from './poller';
import { InProcessPollerStore, type PollerStore } from './pollerStore';
import { RedisEventBus } from './redisEventBus';
import { RedisPollerStore } from './redisPollerStore';
import type { Timers } from './timers';

export { SubscriptionServer, type FrontendSubscriptions } from './server';
export { systemTimers, type Timers } from './timers';
export type { LiveHub } from './liveHub';

const LIVE_COMMAND_TIMEOUT_MS = 1000;

export interface LiveOptions {
  /** The fleet's Redis (one server or a cluster); null: one instance, everything in process. */
  redis: RedisTarget | null;
  /** CACHE_PREFIX: channels and keys of one fleet. */
  prefix: string;
  settings: SubscriptionOptions;
  downstream: Downstream;
  logger: Logger;
  timers: Timers;
  metrics: {
    dropped(field: SubscriptionField): void;
    pollerRun(outcome: PollOutcome): void;
    pollerCall(): void;
  };
}

export interface Live {
  hub: LiveHub;
  /** The bus can subscribe now (Redis's subscriber connections are up; always, in process). */
  readonly feedUp: boolean;
  poller: StockPoller;
  /** Starts the poller's interval (once the gateway listens). */
  start(): void;
  /** Ends every subscription, gives the poller's lock up, closes the bus. */
  close(): Promise<void>;
}

export function createLive(options: LiveOptions): Live {
  const { redis, prefix, settings, downstream, logger, timers, metrics } = options;
  const bus: EventBus = redis ? new RedisEventBus({ target: redis, commandTimeoutMs: LIVE_COMMAND_TIMEOUT_MS }) : new InProcessEventBus();
  const store: PollerStore = redis ? new RedisPollerStore({ target: redis, prefix, commandTimeoutMs: LIVE_COMMAND_TIMEOUT_MS }) : new InProcessPollerStore(timers.now);
  const readStock = async (skus: readonly string[]) => (await downstream.inventory.stockBySkus(skus)).value;
  const hub: LiveHub = new LiveHub({
    bus,
    prefix,
    readStock,
    queueEvents: settings.queueEvents,
    maxProducts: settings.maxProducts,
    logger,
    onDrop: metrics.dropped,
    onWatch: (products) => poller.watchNow(products),
  });
  const poller: StockPoller = new StockPoller({
    store,
    watchedHere: () => hub.watched(),
    publish: (changes) => hub.publishLevels(changes),
    readStock: (skus) => {
      metrics.pollerCall();
      return readStock(skus);
    },
    intervalMs: settings.pollIntervalMs,
    maxProducts: settings.pollMaxProducts,
    timers,
    owner: randomUUID(),
    logger,
    onRun: metrics.pollerRun,
  });
  return {
    hub,
    get feedUp() {
      return bus.up;
    },
    poller,
    start: () => poller.start(),
    async close() {
      hub.close();
      await poller.stop();
      await Promise.all([bus.close(), store.close()]);
    },
  };
}
