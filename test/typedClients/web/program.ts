/**
 * The web shop's data layer as a frontend team writes it: the generated web
 * client (clients/web/) with urql, every request by document id
 * (clients/urql.ts).
 *
 * test/typedClients.test.ts compiles this file with its own tsconfig (a
 * browser app's: DOM, no Node types) and runs it against a gateway that
 * enforces trusted documents. The declared types of what it reads are the
 * point: a field the web schema does not have, or a variable of the wrong
 * type, does not compile.
 */
import type { Client } from '@urql/core';
import { gatewayClient, type GatewayClientOptions } from '../../../clients/urql';
import {
  OrderStatus,
  WebAccountOrdersDocument,
  WebPlaceOrderDocument,
  WebProductPageDocument,
  WebSubmitReviewDocument,
  type OrderLineInput,
} from '../../../clients/web/graphql';

export function webClient(options: Omit<GatewayClientOptions, 'frontend'>): Client {
  return gatewayClient({ ...options, frontend: 'web' });
}

/** What the product page shows. */
export interface ProductPage {
  name: string;
  brand: string;
  /** Markdown: the web page renders the full description. */
  description: string;
  price: { amount: number; currency: string; formatted: string };
  inStock: boolean;
  breadcrumb: string[];
  reviewCount: number;
  reviews: { title: string; rating: number; author: string | null; createdAt: string }[];
}

export async function productPage(client: Client, id: string): Promise<ProductPage | null> {
  const { data, error } = await client.query(WebProductPageDocument, { id, reviewsFirst: 3 }).toPromise();
  if (error) throw error;
  const product = data?.product;
  if (!product) return null;
  const description: string = product.description;
  const { amount, currency, formatted } = product.price;
  return {
    name: product.name,
    brand: product.brand,
    description,
    price: { amount, currency, formatted },
    inStock: product.availability?.inStock ?? false,
    breadcrumb: product.category?.breadcrumb.map((category) => category.name) ?? [],
    reviewCount: product.reviews?.totalCount ?? 0,
    reviews: (product.reviews?.edges ?? []).map(({ node }) => ({
      title: node.title,
      rating: node.rating,
      author: node.author?.displayName ?? null,
      createdAt: node.createdAt,
    })),
  };
}

/** A write's outcome as the page shows it: done, or the message to show instead. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: 'signedOut' | 'invalid' | 'outOfStock'; message: string };

export async function submitReview(
  client: Client,
  review: { productId: string; rating: number; title: string; body: string },
): Promise<Outcome<{ reviewId: string; ratingCount: number }>> {
  const { data, error } = await client.mutation(WebSubmitReviewDocument, { input: review }).toPromise();
  if (error || !data) throw error ?? new Error('WebSubmitReview answered no data');
  const result = data.submitReview;
  if (result.__typename !== 'SubmitReviewSuccess') return refused(result);
  return { ok: true, value: { reviewId: result.review.id, ratingCount: result.product.rating?.count ?? 0 } };
}

export async function checkout(
  client: Client,
  lines: OrderLineInput[],
  idempotencyKey: string,
): Promise<Outcome<{ orderId: string; placed: boolean; total: string }>> {
  const { data, error } = await client.mutation(WebPlaceOrderDocument, { input: { lines, idempotencyKey } }).toPromise();
  if (error || !data) throw error ?? new Error('WebPlaceOrder answered no data');
  const result = data.placeOrder;
  switch (result.__typename) {
    case 'PlaceOrderSuccess': {
      const status: OrderStatus = result.order.status;
      return { ok: true, value: { orderId: result.order.id, placed: status === OrderStatus.Placed, total: result.order.total.formatted } };
    }
    case 'OutOfStock':
      return { ok: false, reason: 'outOfStock', message: `${result.sku}: only ${result.available} left` };
    default:
      return refused(result);
  }
}

/** The failures both writes share, as the page shows them. */
function refused(result: { __typename: 'InvalidInput'; field: string; message: string } | { __typename: 'NotSignedIn'; message: string }): Outcome<never> {
  if (result.__typename === 'InvalidInput') return { ok: false, reason: 'invalid', message: `${result.field}: ${result.message}` };
  return { ok: false, reason: 'signedOut', message: result.message };
}

/**
 * The account page: whose it is and their latest orders; null when signed out.
 * Always from the network: urql's document cache learns what a result holds
 * from its `__typename`s, and a document sent by id gets only those it asks
 * for, so the cache could not tell that a checkout added an order.
 */
export async function accountOrders(
  client: Client,
): Promise<{ displayName: string; orders: { id: string; status: OrderStatus; placedAt: string; total: number }[] } | null> {
  const { data, error } = await client.query(WebAccountOrdersDocument, { first: 5 }, { requestPolicy: 'network-only' }).toPromise();
  if (error) throw error;
  const me = data?.me;
  if (!me) return null;
  return {
    displayName: me.displayName,
    orders: (me.orders?.edges ?? []).map(({ node }) => ({ id: node.id, status: node.status, placedAt: node.placedAt, total: node.total.amount })),
  };
}
