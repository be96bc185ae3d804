/**
 * The two writes, as the read path's loaders are the reads: one place that
 * owns the downstream call, the mapping of its answers, and the evictions it
 * causes.
 *
 * Expected failures are data, members of the schema's result unions (named as
 * there, so resolvers return them as they are): NotSignedIn without a viewer,
 * InvalidInput for input that breaks the contract's rules (checked here
 * first, so obviously bad input costs no downstream call, and by the service
 * too), OutOfStock when the orders service refuses for stock. Only the
 * unexpected (a 5xx, a timeout) is thrown, as a DownstreamError.
 *
 * A successful write evicts what it changed from the caches of every instance
 * (stock and the user's order pages; a product's rating and review pages)
 * before it answers, so the next read anywhere, this response's own included,
 * is fresh.
 *
 * A placed order is also told to the fleet (`live`, domain/live.ts): its
 * user's `myOrderPlaced` subscriptions receive it, and its products'
 * `stockChanged` subscriptions their new stock. After the evictions, so an
 * instance that reacts by reading reads what the write left.
 *
 * The user is always the verified viewer, forwarded as `x-user-id`; the
 * idempotency key is forwarded as the `idempotency-key` header so a client's
 * retry of the same checkout places one order.
 */
import type { EntityCache } from '../cache/entityCache';
import { isProductId } from '../contract/ids';
import type { DownstreamOrder, DownstreamReview } from '../contract/payloads';
import type { LivePublisher } from './live';
import type { Viewer } from './viewer';
import type { Downstream } from '../downstream';
import type { CallTrace } from '../downstream/call';
import { unexpectedStatus } from '../errors/catalogue';

export interface OrderLineInput {
  productId: string;
  quantity: number;
}

export interface PlaceOrderInput {
  lines: readonly OrderLineInput[];
  idempotencyKey?: string | null;
}

export interface SubmitReviewInput {
  productId: string;
  rating: number;
  title: string;
  body: string;
}

export interface InvalidInput {
  __typename: 'InvalidInput';
  field: string;
  message: string;
}

export interface NotSignedIn {
  __typename: 'NotSignedIn';
  message: string;
}

export type PlaceOrderResult =
  | { __typename: 'PlaceOrderSuccess'; order: DownstreamOrder }
  | { __typename: 'OutOfStock'; message: string; sku: string; available: number }
  | InvalidInput
  | NotSignedIn;

export type SubmitReviewResult =
  | { __typename: 'SubmitReviewSuccess'; review: DownstreamReview; product: { id: string } }
  | InvalidInput
  | NotSignedIn;

export interface Commands {
  placeOrder(viewer: Viewer | null, input: PlaceOrderInput): Promise<PlaceOrderResult>;
  submitReview(viewer: Viewer | null, input: SubmitReviewInput): Promise<SubmitReviewResult>;
}

const MAX_LINES = 50;
const MAX_QUANTITY = 99;
const MAX_IDEMPOTENCY_KEY = 128;
const MAX_TITLE = 120;
const MAX_BODY = 5000;

/** The writes of one request; `trace` counts their downstream calls for its log line, `live` hears of placed orders. */
export function createCommands(downstream: Downstream, cache: Pick<EntityCache, 'evict'>, trace: CallTrace, live: LivePublisher): Commands {
  return {
    async placeOrder(viewer, input) {
      if (!viewer) return notSignedIn('place an order');
      const refused = checkOrder(input);
      if (refused) return refused;

      const outcome = await downstream.orders.placeOrder(
        viewer.userId,
        input.lines.map((l) => ({ productId: l.productId, quantity: l.quantity })),
        input.idempotencyKey ?? undefined,
        trace,
      );
      if (outcome.ok) {
        const order = outcome.value;
        // Stock moved and the user's history grew.
        await cache.evict([
          ...[...new Set(order.lines.map((line) => line.sku))].map((sku) => ({ family: 'stock' as const, owner: sku })),
          { family: 'orders', owner: viewer.userId },
        ], trace.spanParent);
        live.orderPlaced(order);
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
      throw unexpectedStatus('orders', 'POST /orders', status);
    },

    async submitReview(viewer, input) {
      if (!viewer) return notSignedIn('write a review');
      const refused = checkReview(input);
      if (refused) return refused;

      const { productId, rating, title, body } = input;
      const outcome = await downstream.reviews.submitReview(viewer.userId, { productId, rating, title, body }, undefined, trace);
      if (outcome.ok) {
        await cache.evict([
          { family: 'rating', owner: productId },
          { family: 'reviews', owner: productId },
        ], trace.spanParent);
        // The product is known by id only; its fields load (batched) only if asked for.
        return { __typename: 'SubmitReviewSuccess', review: outcome.value, product: { id: productId } };
      }
      const { error, status } = outcome;
      if (status === 400) return invalid(error.field ?? 'input', error.message || 'The review was rejected as invalid.');
      if (status === 404) return invalid('productId', `There is no product ${productId}.`);
      if (status === 401) return notSignedIn('write a review');
      throw unexpectedStatus('reviews', 'POST /reviews', status);
    },
  };
}

function checkOrder({ lines, idempotencyKey }: PlaceOrderInput): InvalidInput | null {
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
  return null;
}

function checkReview({ productId, rating, title, body }: SubmitReviewInput): InvalidInput | null {
  if (!isProductId(productId)) return invalid('productId', `A product id looks like p-0001; received ${JSON.stringify(productId)}.`);
  if (!Number.isInteger(rating) || rating < 1 || rating > 5) return invalid('rating', `A rating is 1 to 5; received ${rating}.`);
  if (title.trim().length < 1 || title.length > MAX_TITLE) {
    return invalid('title', `A title has 1 to ${MAX_TITLE} characters; received ${title.length}.`);
  }
  if (body.trim().length < 1 || body.length > MAX_BODY) {
    return invalid('body', `A review body has 1 to ${MAX_BODY} characters; received ${body.length}.`);
  }
  return null;
}

function invalid(field: string, message: string): InvalidInput {
  return { __typename: 'InvalidInput', field, message };
}

function notSignedIn(action: string): NotSignedIn {
  return { __typename: 'NotSignedIn', message: `Sign in to ${action}.` };
}
