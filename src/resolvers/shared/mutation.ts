/**
 * The two writes. Expected failures are data, members of the result unions:
 * NotSignedIn without a viewer, InvalidInput for input that breaks the
 * contract's rules (checked here first, so obviously bad input costs no
 * downstream call, and by the service too), OutOfStock when the orders
 * service refuses for stock. Only the unexpected (a 5xx, a timeout) is a
 * GraphQL error.
 *
 * A successful write evicts what it changed from the caches of every instance
 * (stock and the user's order pages; a product's rating and review pages)
 * before it answers.
 *
 * The user is always the verified viewer, forwarded as `x-user-id`; the
 * `idempotencyKey` is forwarded as the `idempotency-key` header so a client's
 * retry of the same checkout places one order.
 */
import { isProductId } from '../../contract/ids';
import { DownstreamError } from '../../errors/catalogue';
import type { MutationResolvers, ResolversUnionTypes } from '../generated';

type PlaceOrderResult = ResolversUnionTypes<Record<string, never>>['PlaceOrderResult'];
type SubmitReviewResult = ResolversUnionTypes<Record<string, never>>['SubmitReviewResult'];

const MAX_LINES = 50;
const MAX_QUANTITY = 99;
const MAX_IDEMPOTENCY_KEY = 128;
const MAX_TITLE = 120;
const MAX_BODY = 5000;

function invalid(field: string, message: string) {
  return { __typename: 'InvalidInput' as const, field, message };
}

function notSignedIn(action: string) {
  return { __typename: 'NotSignedIn' as const, message: `Sign in to ${action}.` };
}

export const mutationResolvers: MutationResolvers = {
  placeOrder: async (_root, { input }, ctx): Promise<PlaceOrderResult> => {
    if (!ctx.viewer) return notSignedIn('place an order');
    const { lines, idempotencyKey } = input;
    if (lines.length < 1 || lines.length > MAX_LINES) {
      return invalid('lines', `An order has 1 to ${MAX_LINES} lines; received ${lines.length}.`);
    }
    for (const [i, line] of lines.entries()) {
      if (!isProductId(line.productId)) {
        return invalid(`lines[${i}].productId`, `A product id looks like p-0001; received ${JSON.stringify(line.productId)}.`);
      }
      if (line.quantity < 1 || line.quantity > MAX_QUANTITY) {
        return invalid(`lines[${i}].quantity`, `A quantity is 1 to ${MAX_QUANTITY}; received ${line.quantity}.`);
      }
    }
    if (idempotencyKey != null && (idempotencyKey.length === 0 || idempotencyKey.length > MAX_IDEMPOTENCY_KEY)) {
      return invalid('idempotencyKey', `An idempotency key has 1 to ${MAX_IDEMPOTENCY_KEY} characters; received ${idempotencyKey.length}.`);
    }

    const outcome = await ctx.downstream.orders.placeOrder(
      ctx.viewer.userId,
      lines.map((l) => ({ productId: l.productId, quantity: l.quantity })),
      idempotencyKey ?? undefined,
      ctx.trace,
    );
    if (outcome.ok) {
      // Stock moved and the user's history grew: evict before answering, so the
      // next read on any instance (this response's own lines included) is fresh.
      const order = outcome.value;
      await ctx.evict([
        ...[...new Set(order.lines.map((line) => line.sku))].map((sku) => ({ family: 'stock' as const, owner: sku })),
        { family: 'orders', owner: ctx.viewer.userId },
      ]);
      return { __typename: 'PlaceOrderSuccess', order };
    }
    const { error, status } = outcome;
    if (status === 409 && error.error === 'OUT_OF_STOCK') {
      return {
        __typename: 'OutOfStock',
        message: error.message || 'Not enough stock; nothing was reserved.',
        sku: error.sku ?? '',
        available: error.available ?? 0,
      };
    }
    if (status === 400) return invalid(error.field ?? 'input', error.message || 'The order was rejected as invalid.');
    if (status === 401) return notSignedIn('place an order');
    throw new DownstreamError('orders', 'status', `answered POST /orders with HTTP ${status}`, status);
  },

  submitReview: async (_root, { input }, ctx): Promise<SubmitReviewResult> => {
    if (!ctx.viewer) return notSignedIn('write a review');
    const { productId, rating, title, body } = input;
    if (!isProductId(productId)) return invalid('productId', `A product id looks like p-0001; received ${JSON.stringify(productId)}.`);
    if (!Number.isInteger(rating) || rating < 1 || rating > 5) return invalid('rating', `A rating is 1 to 5; received ${rating}.`);
    if (title.trim().length < 1 || title.length > MAX_TITLE) {
      return invalid('title', `A title has 1 to ${MAX_TITLE} characters; received ${title.length}.`);
    }
    if (body.trim().length < 1 || body.length > MAX_BODY) {
      return invalid('body', `A review body has 1 to ${MAX_BODY} characters; received ${body.length}.`);
    }

    const outcome = await ctx.downstream.reviews.submitReview(ctx.viewer.userId, { productId, rating, title, body }, undefined, ctx.trace);
    if (outcome.ok) {
      await ctx.evict([
        { family: 'rating', owner: productId },
        { family: 'reviews', owner: productId },
      ]);
      // The product is known by id only; its fields load (batched) only if asked for.
      return { __typename: 'SubmitReviewSuccess', review: outcome.value, product: { id: productId } };
    }
    const { error, status } = outcome;
    if (status === 400) return invalid(error.field ?? 'input', error.message || 'The review was rejected as invalid.');
    if (status === 404) return invalid('productId', `There is no product ${productId}.`);
    if (status === 401) return notSignedIn('write a review');
    throw new DownstreamError('reviews', 'status', `answered POST /reviews with HTTP ${status}`, status);
  },
};
