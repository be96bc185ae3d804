/**
 * The orders service: a user's order history and placing an order (which
 * reserves stock in the inventory service). Both act as the signed-in user,
 * named in `x-user-id` from the verified token, never from the client.
 */
import { DownstreamError } from '../errors/catalogue';
import { isUserId } from '../contract/ids';
import { segment } from './paths';
import type { CallTrace, Outcome, ServiceHttp } from './serviceHttp';
import type { DownstreamOrder, DownstreamPage } from '../contract/payloads';
import { order, page } from '../contract/validate';

const orderPage = page(order);

export interface OrderLineInput {
  productId: string;
  quantity: number;
}

export type OrdersClient = ReturnType<typeof createOrdersClient>;

export function createOrdersClient(http: ServiceHttp) {
  return {
    /** One page of the user's orders, newest first. */
    async ordersPage(
      userId: string,
      cursor: string | undefined,
      limit: number,
      trace?: CallTrace,
    ): Promise<DownstreamPage<DownstreamOrder> | { rejected: string }> {
      if (!isUserId(userId)) throw new RangeError(`A user id must match ^u-[0-9]{4,8}$; received ${JSON.stringify(userId)}.`);
      const res = await http.call('GET', `/users/${segment(userId)}/orders`, {
        route: 'GET /users/{userId}/orders',
        check: orderPage,
        headers: { 'x-user-id': userId },
        query: { cursor, limit },
        trace,
      });
      if (res.ok) return res.value;
      if (res.status === 400) return { rejected: res.error.message || 'the page parameters were rejected' };
      throw new DownstreamError(http.service, 'status', `answered GET /users/{userId}/orders with HTTP ${res.status}`, res.status);
    },

    /** Places an order. 400 INVALID_INPUT and 409 OUT_OF_STOCK come back as `ok: false`. */
    placeOrder(
      userId: string,
      lines: readonly OrderLineInput[],
      idempotencyKey: string | undefined,
      trace?: CallTrace,
    ): Promise<Outcome<DownstreamOrder>> {
      return http.call('POST', '/orders', {
        route: 'POST /orders',
        check: order,
        headers: idempotencyKey ? { 'x-user-id': userId, 'idempotency-key': idempotencyKey } : { 'x-user-id': userId },
        body: { lines },
        trace,
      });
    },
  };
}
