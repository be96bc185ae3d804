/**
 * Live updates as the domain sees them: what a subscription may listen to,
 * and what a write tells the fleet it changed.
 *
 * Why interfaces here and the implementation elsewhere: resolvers and
 * commands only name what happened (an order was placed, a product's stock
 * moved); how that travels to the instance that holds the subscriber (Redis
 * pub/sub, or one process's memory) is src/subscriptions/'s business, passed
 * in with the context like every other dependency.
 */
import type { DownstreamOrder, DownstreamStockLevel } from '../contract/payloads';

/** A product a stock subscription watches: its id, and the SKU the inventory knows it by. */
export interface WatchedProduct {
  productId: string;
  sku: string;
}

/** A product's stock after a change, as `Subscription.stockChanged` pushes it. */
export interface StockLevelChange {
  productId: string;
  level: DownstreamStockLevel;
}

/** What the subscription resolvers listen to. Each resolves once the feed delivers its events. */
export interface LiveFeeds {
  /** Products one `stockChanged` subscription may watch (SUBSCRIPTION_MAX_PRODUCTS). */
  readonly maxProductsPerSubscription: number;
  /** Every change of these products' stock, from any instance's writes and from the stock poller. */
  stockChanges(products: readonly WatchedProduct[]): Promise<AsyncIterable<StockLevelChange>>;
  /** Every order this user places, through any instance. */
  ordersPlaced(userId: string): Promise<AsyncIterable<DownstreamOrder>>;
}

/** What a write tells the fleet; never fails the write (a lost event is logged, not thrown). */
export interface LivePublisher {
  /** An order was placed: it goes to its user's subscriptions, and the stock of its products has moved. */
  orderPlaced(order: DownstreamOrder): void;
}
