/**
 * The signed-in user's own account and orders: personal data.
 *
 * Only ever read for the verified viewer: the order page is fetched with the
 * viewer's id from the token (never an id from the query or the parent), so
 * no query can ask for someone else's orders.
 */
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../../errors/catalogue';
import { paginate, pageSize } from '../connection';
import type { AccountResolvers, OrderLineResolvers, OrderResolvers } from '../generated';
import { moneyOf } from './values';

export const accountResolvers: AccountResolvers = {
  orders: (user, { first, after }, ctx) => {
    const viewer = ctx.viewer;
    if (!viewer || viewer.userId !== user.id) {
      throw new GraphQLError('Orders are visible to their owner only.', { extensions: { code: ErrorCode.FORBIDDEN } });
    }
    const size = pageSize(first, 10, ctx.maxPageSize);
    return paginate('orders', size, after, (cursor, limit) =>
      ctx.loaders.orderPage.load({ userId: viewer.userId, cursor, limit }),
    );
  },
};

export const orderResolvers: OrderResolvers = {
  total: (order, _args, ctx) => moneyOf(order.totalCents, order.currency, ctx.locale),
  lines: (order) => order.lines.map((line) => ({ line, currency: order.currency })),
};

export const orderLineResolvers: OrderLineResolvers = {
  quantity: ({ line }) => line.quantity,
  sku: ({ line }) => line.sku,
  unitPrice: ({ line, currency }, _args, ctx) => moneyOf(line.unitPriceCents, currency, ctx.locale),
  product: ({ line }, _args, ctx) => ctx.loaders.product.load(line.productId),
};
