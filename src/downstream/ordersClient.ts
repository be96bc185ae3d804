/**
 * The orders service: a user's order history and placing an order (which
 * reserves stock in the inventory service). Both act as the signed-in user,
 * named in `x-user-id` from the verified token, never from the client.
 */
import { unexpectedStatus } from '../errors/catalogue';
import { isUserId } from '../contract/ids';
import { segment } from './paths';
import type { CallTrace, Fetched, Outcome } from './call';
import type { ServiceHttp } from './serviceHttp';
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
    /** One page of the user's orders, newest first; null for an id that is not a user id. */
    async ordersPage(
      userId: string,
      cursor: string | undefined,
      limit: number,
      trace?: CallTrace,
      signal?: AbortSignal,
    ): Promise<Fetched<DownstreamPage<DownstreamOrder>> | { rejected: string } | null> {
      if (!isUserId(userId)) return null;
      const res = await http.call('GET', `/users/${segment(userId)}/orders`, {
        route: 'GET /users/{userId}/orders',
        check: orderPage,
        headers: { 'x-user-id': userId },
        query: { cursor, limit },
        trace,
        signal,
      });
      if (res.ok) return { value: res.value, maxAgeSeconds: res.maxAgeSeconds };
      if (res.status === 400) return { rejected: res.error.message || 'the page parameters were rejected' };
      throw unexpectedStatus(http.service, 'GET /users/{userId}/orders', res.status);
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
