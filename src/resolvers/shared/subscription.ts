/**
 * The subscriptions every frontend shares. Their `subscribe` runs once, when
 * a client subscribes (over WebSocket, src/subscriptions/): it checks the
 * arguments and the viewer, and returns the feed (ctx.live) the events come
 * from. Each event then resolves its selection like a small query, with a
 * data layer of its own (src/subscriptions/execution.ts).
 */
import { isProductId } from '../../contract/ids';
import type { DownstreamOrder } from '../../contract/payloads';
import type { StockLevelChange, WatchedProduct } from '../../domain/live';
import { badUserInput, quote, signInRequired } from '../../errors/catalogue';
import type { RequestContext } from '../../context/requestContext';
import type { StockChangeResolvers, SubscriptionResolvers } from '../generated';
import { availabilityOf } from './values';

export const subscriptionResolvers: SubscriptionResolvers = {
  stockChanged: {
    subscribe: async (_root, { productIds }, ctx) => ctx.live.stockChanges(await watchedProducts(productIds, ctx)),
    // Each event is the field's value: a StockLevelChange.
    resolve: (change: StockLevelChange) => change,
  },
  myOrderPlaced: {
    subscribe: async (_root, _args, ctx) => {
      if (!ctx.viewer) throw signInRequired('myOrderPlaced');
      return ctx.live.ordersPlaced(ctx.viewer.userId);
    },
    // Each event is the field's value: the order's payload.
    resolve: (order: DownstreamOrder) => order,
  },
};

export const stockChangeResolvers: StockChangeResolvers = {
  product: (change, _args, ctx) => ctx.loaders.product.load(change.productId),
  availability: (change) => availabilityOf(change.level),
};

/** The products of `productIds`, each with its SKU (one batched product read); any bad id is BAD_USER_INPUT. */
async function watchedProducts(productIds: readonly string[], ctx: RequestContext): Promise<WatchedProduct[]> {
  const max = ctx.live.maxProductsPerSubscription;
  const ids = [...new Set(productIds)];
  if (ids.length < 1 || ids.length > max) {
    throw badUserInput(`\`productIds\` must name 1 to ${max} products; received ${ids.length}.`, 'productIds');
  }
  const malformed = ids.find((id) => !isProductId(id));
  if (malformed !== undefined) throw badUserInput(`\`productIds\` must be product ids like p-0001; received ${quote(malformed)}.`, 'productIds');
  const products = await ctx.loaders.product.loadMany(ids);
  return products.map((product, i) => {
    if (product instanceof Error) throw product;
    if (!product) throw badUserInput(`\`productIds\` must name products of the catalog; there is no product ${ids[i]}.`, 'productIds');
    return { productId: product.id, sku: product.sku };
  });
}
