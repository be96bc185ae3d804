/**
 * The orders service: a user's order history, and placing an order.
 *
 * Why placing an order is all-or-nothing: the contract says a 409
 * OUT_OF_STOCK means nothing was reserved. So the handler first validates
 * every line (400 INVALID_INPUT naming the field, e.g. `lines[1].quantity`),
 * then checks every SKU's stock with the quantities of repeated products
 * added up, and only when all of them fit decrements the stock in the shared
 * inventory store (`DemoData.stockBySku`). Handlers are synchronous, so no
 * other request can interleave between the check and the reservation.
 *
 * Orders are personal: every response is `Cache-Control: private, no-store`.
 *
 *   GET  /users/{userId}/orders   x-user-id required (401) and equal to
 *                                 userId (403); newest first, paginated
 *   POST /orders                  x-user-id required (401); {lines: [{productId,
 *        quantity 1..99}] 1..50}; 201 with the Order (status PLACED, unit
 *        prices from the catalog); honours `idempotency-key`
 */

import { PRODUCT_ID_PATTERN } from '../contract/ids';
import { type DownstreamOrder, type DownstreamOrderLine, type DownstreamProduct } from '../contract/payloads';
import { paginate } from './listReads';
import { CACHE, cachedJson, errorReply, invalidInput, isReply, ok, type Reply } from './replies';
import type { ServiceDefinition } from './routes';
import { IdempotencyStore, parseJsonBody, requireUser } from './writes';
import { orderIdOf, type DemoData } from './seed';

export const MAX_ORDER_LINES = 50;
export const MAX_LINE_QUANTITY = 99;

/** Every orders response, errors included, is private. */
const privately = (reply: Reply): Reply => (reply.cacheControl === CACHE.private ? reply : { ...reply, cacheControl: CACHE.private });

interface ValidLine {
  product: Readonly<DownstreamProduct>;
  quantity: number;
}

function validateLines(data: DemoData, input: unknown): ValidLine[] | Reply {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return invalidInput('the request body must be a JSON object');
  const lines = (input as Record<string, unknown>).lines;
  if (!Array.isArray(lines) || lines.length < 1 || lines.length > MAX_ORDER_LINES) {
    return invalidInput(`lines must be a list of 1 to ${MAX_ORDER_LINES} order lines`, 'lines');
  }
  const out: ValidLine[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line: unknown = lines[i];
    if (typeof line !== 'object' || line === null || Array.isArray(line)) return invalidInput('an order line must be an object', `lines[${i}]`);
    const { productId, quantity } = line as Record<string, unknown>;
    if (typeof productId !== 'string' || !PRODUCT_ID_PATTERN.test(productId)) {
      return invalidInput('productId must be a product id like p-0001', `lines[${i}].productId`);
    }
    const product = data.productsById.get(productId);
    if (!product) return invalidInput(`no product ${productId}`, `lines[${i}].productId`);
    if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1 || quantity > MAX_LINE_QUANTITY) {
      return invalidInput(`quantity must be an integer from 1 to ${MAX_LINE_QUANTITY}`, `lines[${i}].quantity`);
    }
    const first = out[0];
    if (first && product.currency !== first.product.currency) {
      return invalidInput(`all lines must share one currency (${first.product.currency})`, `lines[${i}].productId`);
    }
    out.push({ product, quantity });
  }
  return out;
}

/**
 * Reserves the stock of every line or of none, then records the order.
 * Returns the 409 reply when some SKU has too little stock.
 */
export function placeOrder(data: DemoData, userId: string, lines: readonly ValidLine[], now: () => number = Date.now): Readonly<DownstreamOrder> | Reply {
  const wanted = new Map<string, number>();
  for (const { product, quantity } of lines) wanted.set(product.sku, (wanted.get(product.sku) ?? 0) + quantity);
  for (const [sku, quantity] of wanted) {
    const available = data.stockBySku.get(sku)?.available ?? 0;
    if (available < quantity) {
      return errorReply(
        409,
        'OUT_OF_STOCK',
        available === 0 ? `${sku} is out of stock` : `only ${available} of ${sku} available, ${quantity} requested`,
        { sku, available },
      );
    }
  }
  for (const [sku, quantity] of wanted) {
    const level = data.stockBySku.get(sku);
    if (level) level.available -= quantity;
  }
  const orderLines: DownstreamOrderLine[] = lines.map(({ product, quantity }) =>
    Object.freeze({ productId: product.id, sku: product.sku, quantity, unitPriceCents: product.priceCents }),
  );
  const order: Readonly<DownstreamOrder> = Object.freeze({
    id: orderIdOf(++data.sequences.order),
    userId,
    status: 'PLACED' as const,
    lines: Object.freeze(orderLines) as DownstreamOrderLine[],
    totalCents: orderLines.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0),
    currency: (lines[0] as ValidLine).product.currency,
    placedAt: new Date(now()).toISOString(),
  });
  const history = data.ordersByUser.get(userId) ?? [];
  history.unshift(order); // newest first
  data.ordersByUser.set(userId, history);
  data.ordersById.set(order.id, order);
  return order;
}

/** `now`: the clock orders are placed by (default the wall clock). */
export function createOrdersService(data: DemoData, now: () => number = Date.now): ServiceDefinition {
  const idempotency = new IdempotencyStore();

  return {
    name: 'orders',
    routes: [
      {
        method: 'GET',
        path: '/users/{userId}/orders',
        handle(ctx) {
          const caller = requireUser(ctx);
          if (isReply(caller)) return privately(caller);
          const userId = ctx.params[0] as string;
          if (caller !== userId) return privately(errorReply(403, 'FORBIDDEN', 'only the user themself may read their orders'));
          return privately(paginate(ctx.query, data.ordersByUser.get(userId) ?? [], cachedJson, CACHE.private));
        },
      },
      {
        method: 'POST',
        path: '/orders',
        handle(ctx) {
          const userId = requireUser(ctx);
          if (isReply(userId)) return privately(userId);
          const reply = idempotency.run(ctx, userId, () => {
            const parsed = parseJsonBody(ctx);
            if (isReply(parsed)) return parsed;
            const lines = validateLines(data, parsed.value);
            if (isReply(lines)) return lines;
            const order = placeOrder(data, userId, lines, now);
            return isReply(order) ? order : ok(cachedJson(order), CACHE.private, 201);
          });
          return privately(reply);
        },
      },
    ],
  };
}
