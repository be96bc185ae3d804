/**
 * The instance's side of live updates: it fans events out to its own
 * subscribers and tells the fleet what its writes changed.
 *
 * - Subscribing: each subscription gets its own bounded queue (queue.ts).
 *   The hub subscribes to a channel on the bus once, for the first local
 *   subscriber of that product or user, and leaves it with the last; a
 *   message is parsed once and pushed to every queue on the channel.
 * - Stock: a `moved` message (an order, through any instance) makes the hub
 *   read the product's level itself, straight from the inventory (never the
 *   cache, whose eviction may not have reached this instance yet), all moved
 *   products of a moment in one batched call; a `level` message (the poller)
 *   carries the level. Either way a level equal to the last one delivered
 *   here is not delivered again.
 * - Orders go only to the channel of their user, and to a queue of that user
 *   only (checked again on arrival); an order seen already (a replayed
 *   idempotent checkout) is not delivered twice.
 * - When the bus says the feed was lost, every subscription ends with
 *   LIVE_FEED_UNAVAILABLE: it may have missed events, and its client should
 *   query and subscribe again rather than trust a silent stream.
 */
import { MAX_BATCH } from '../contract/ids';
import type { DownstreamOrder, DownstreamStockLevel } from '../contract/payloads';
import type { LiveFeeds, LivePublisher, StockLevelChange, WatchedProduct } from '../domain/live';
import { liveFeedUnavailable } from '../errors/catalogue';
import type { Logger } from '../logging/logger';
import type { EventBus } from './eventBus';
import { levelKey, ordersChannel, parseOrderMessage, parseStockMessage, stockChannel, type OrderMessage, type StockMessage } from './messages';
import { EventQueue } from './queue';

export type SubscriptionField = 'stockChanged' | 'myOrderPlaced';
export const SUBSCRIPTION_FIELDS: readonly SubscriptionField[] = ['stockChanged', 'myOrderPlaced'];

export interface LiveHubOptions {
  bus: EventBus;
  /** Prefix of the channels (CACHE_PREFIX): instances of one fleet share it. */
  prefix: string;
  /** Reads stock levels from the inventory service (at most 100 SKUs a call). */
  readStock: (skus: readonly string[]) => Promise<DownstreamStockLevel[]>;
  /** Events one subscription's queue keeps (SUBSCRIPTION_QUEUE_EVENTS). */
  queueEvents: number;
  /** Products one stock subscription may watch (SUBSCRIPTION_MAX_PRODUCTS). */
  maxProducts: number;
  logger: Logger;
  /** An event was dropped from a full queue. */
  onDrop: (field: SubscriptionField) => void;
  /** Products watched here for the first time: the fleet's poller should learn of them now. */
  onWatch: (products: readonly WatchedProduct[]) => void;
}

/** What a queue carries: a stock channel's changes, or a user channel's orders. */
type LiveEvent = StockLevelChange | DownstreamOrder;

interface LocalChannel {
  queues: Set<EventQueue<LiveEvent>>;
  /** Resolves with the bus's unsubscribe once messages flow. */
  ready: Promise<() => void>;
  product?: WatchedProduct;
  userId?: string;
  lastLevel?: string;
  recentOrders: string[];
}

const RECENT_ORDERS = 20;
const FEED_LOST = 'The live feed was interrupted, so events may have been missed: query the current state, then subscribe again.';

export class LiveHub implements LiveFeeds, LivePublisher {
  private readonly channels = new Map<string, LocalChannel>();
  /** SKU → products whose `moved` message awaits a read. */
  private readonly moved = new Map<string, Set<string>>();
  private readonly queues = new Set<EventQueue<LiveEvent>>();
  private refreshing = false;

  constructor(private readonly options: LiveHubOptions) {
    options.bus.onFeedLost(() => {
      options.logger.warn({ subscriptions: this.queues.size }, 'live feed lost: ending every subscription (LIVE_FEED_UNAVAILABLE)');
      for (const queue of [...this.queues]) queue.fail(liveFeedUnavailable(FEED_LOST));
    });
  }

  get maxProductsPerSubscription(): number {
    return this.options.maxProducts;
  }

  /** Subscriptions whose feed is flowing now. */
  get listening(): number {
    return this.queues.size;
  }

  /** The products this instance's subscriptions watch now. */
  watched(): WatchedProduct[] {
    const products: WatchedProduct[] = [];
    for (const channel of this.channels.values()) if (channel.product) products.push(channel.product);
    return products;
  }

  stockChanges(products: readonly WatchedProduct[]): Promise<AsyncIterable<StockLevelChange>> {
    return this.open<StockLevelChange>(
      'stockChanged',
      products.map((product) => ({ name: stockChannel(this.options.prefix, product.productId), product })),
    );
  }

  ordersPlaced(userId: string): Promise<AsyncIterable<DownstreamOrder>> {
    return this.open<DownstreamOrder>('myOrderPlaced', [{ name: ordersChannel(this.options.prefix, userId), userId }]);
  }

  orderPlaced(order: DownstreamOrder): void {
    const { prefix } = this.options;
    const message: OrderMessage = { kind: 'order', order };
    this.send(ordersChannel(prefix, order.userId), message);
    const products = new Map(order.lines.map((line) => [line.productId, line.sku]));
    for (const [productId, sku] of products) this.send(stockChannel(prefix, productId), { kind: 'moved', productId, sku } satisfies StockMessage);
  }

  /** The poller's changes, to every instance watching these products. */
  async publishLevels(changes: readonly { productId: string; level: DownstreamStockLevel }[]): Promise<void> {
    await Promise.all(
      changes.map(({ productId, level }) =>
        this.options.bus.publish(stockChannel(this.options.prefix, productId), JSON.stringify({ kind: 'level', productId, sku: level.sku, level } satisfies StockMessage)),
      ),
    );
  }

  /** Ends every subscription (the gateway is closing). */
  close(): void {
    for (const queue of [...this.queues]) void queue.return();
  }

  private async open<T extends LiveEvent>(field: SubscriptionField, wanted: { name: string; product?: WatchedProduct; userId?: string }[]): Promise<AsyncIterable<T>> {
    const joined: string[] = [];
    const queue = new EventQueue<LiveEvent>(
      this.options.queueEvents,
      () => this.options.onDrop(field),
      () => {
        this.queues.delete(queue);
        for (const name of joined) this.leave(name, queue);
      },
    );
    try {
      await Promise.all(
        wanted.map((channel) => {
          joined.push(channel.name);
          return this.join(channel.name, queue, channel);
        }),
      );
    } catch (error) {
      for (const name of joined) this.leave(name, queue);
      this.options.logger.warn({ err: error }, 'a subscription could not start: the live feed is down');
      throw liveFeedUnavailable('The live feed is down, so this subscription cannot start: try again in a few seconds.');
    }
    this.queues.add(queue);
    // A stock channel carries only stock changes, a user's channel only orders.
    return queue as AsyncIterable<LiveEvent> as AsyncIterable<T>;
  }

  private join(name: string, queue: EventQueue<LiveEvent>, info: { product?: WatchedProduct; userId?: string }): Promise<unknown> {
    let channel = this.channels.get(name);
    if (!channel) {
      const created: LocalChannel = { queues: new Set(), ready: this.options.bus.subscribe(name, (m) => this.receive(created, m)), recentOrders: [], ...info };
      created.ready.catch(() => {
        if (this.channels.get(name) === created) this.channels.delete(name);
      });
      this.channels.set(name, (channel = created));
      if (info.product) this.options.onWatch([info.product]);
    }
    channel.queues.add(queue);
    return channel.ready;
  }

  private leave(name: string, queue: EventQueue<LiveEvent>): void {
    const channel = this.channels.get(name);
    if (!channel || !channel.queues.delete(queue) || channel.queues.size > 0) return;
    this.channels.delete(name);
    channel.ready.then((unsubscribe) => unsubscribe()).catch(() => undefined);
  }

  private receive(channel: LocalChannel, text: string): void {
    if (channel.product) {
      const message = parseStockMessage(text);
      if (!message || message.productId !== channel.product.productId) return;
      if (message.kind === 'level') this.deliverLevel(channel, message.level);
      else this.readSoon(message.productId, message.sku);
      return;
    }
    const message = parseOrderMessage(text);
    if (!message || message.order.userId !== channel.userId || channel.recentOrders.includes(message.order.id)) return;
    channel.recentOrders.push(message.order.id);
    if (channel.recentOrders.length > RECENT_ORDERS) channel.recentOrders.shift();
    for (const queue of channel.queues) queue.push(message.order);
  }

  private deliverLevel(channel: LocalChannel, level: DownstreamStockLevel): void {
    const key = levelKey(level);
    if (channel.lastLevel === key || !channel.product) return;
    channel.lastLevel = key;
    const change: StockLevelChange = { productId: channel.product.productId, level };
    for (const queue of channel.queues) queue.push(change);
  }

  /** Reads moved products' levels once this turn's messages are in: one call for all of them. */
  private readSoon(productId: string, sku: string): void {
    let products = this.moved.get(sku);
    if (!products) this.moved.set(sku, (products = new Set()));
    products.add(productId);
    if (this.refreshing) return;
    this.refreshing = true;
    setImmediate(() => void this.readMoved());
  }

  private async readMoved(): Promise<void> {
    const moved = new Map(this.moved);
    this.moved.clear();
    this.refreshing = false;
    const skus = [...moved.keys()];
    for (let i = 0; i < skus.length; i += MAX_BATCH) {
      let levels: DownstreamStockLevel[];
      try {
        levels = await this.options.readStock(skus.slice(i, i + MAX_BATCH));
      } catch (error) {
        this.options.logger.warn({ err: error }, 'the stock of ordered products could not be read for their subscribers');
        continue;
      }
      for (const level of levels) {
        for (const productId of moved.get(level.sku) ?? []) {
          const channel = this.channels.get(stockChannel(this.options.prefix, productId));
          if (channel) this.deliverLevel(channel, level);
        }
      }
    }
  }

  private send(channel: string, message: StockMessage | OrderMessage): void {
    this.options.bus.publish(channel, JSON.stringify(message)).catch((error: unknown) => {
      this.options.logger.warn({ err: error, kind: message.kind }, 'a live event could not be published; its subscribers miss it');
    });
  }
}
