/**
 * The mobile app's screens as its team writes them: the generated mobile
 * client (clients/mobile/) with urql, every request by document id
 * (clients/urql.ts).
 *
 * test/typedClients.test.ts compiles this file with its own tsconfig and
 * runs it against a gateway that enforces trusted documents. The mobile
 * schema is not the web one: a product has a plain-text `summary` and
 * `topReviews`, no `description` or `reviews` connection, and reading those
 * does not compile here.
 */
import type { Client } from '@urql/core';
import { gatewayClient, type GatewayClientOptions } from '../../../clients/urql';
import {
  MobileHomeDocument,
  MobilePlaceOrderDocument,
  MobileProductDocument,
  MobileSearchDocument,
  type OrderLineInput,
  type OrderStatus,
} from '../../../clients/mobile/graphql';

export function mobileClient(options: Omit<GatewayClientOptions, 'frontend'>): Client {
  return gatewayClient({ ...options, frontend: 'mobile' });
}

export interface Tile {
  id: string;
  name: string;
  price: string;
  thumbnail: string | null;
}

/**
 * The first screen. From the network each time it is shown: its recent
 * orders change with a checkout, which urql's document cache cannot see in a
 * response by id (it carries only the `__typename`s the document asks for).
 */
export async function home(client: Client): Promise<{ featured: Tile[]; categories: string[]; recentOrders: { id: string; status: OrderStatus; total: string }[] }> {
  const { data, error } = await client.query(MobileHomeDocument, {}, { requestPolicy: 'network-only' }).toPromise();
  if (error || !data) throw error ?? new Error('MobileHome answered no data');
  const { featured, categories, recentOrders } = data.home;
  return {
    featured: (featured ?? []).map(tile),
    categories: (categories ?? []).map((category) => category.name),
    recentOrders: (recentOrders ?? []).map((order) => ({ id: order.id, status: order.status, total: order.total.formatted })),
  };
}

/** Search as you type: one page of tiles, and whether there is more. */
export async function search(client: Client, text: string): Promise<{ tiles: Tile[]; more: boolean }> {
  const { data, error } = await client.query(MobileSearchDocument, { search: text }).toPromise();
  if (error) throw error;
  const products = data?.products;
  return { tiles: (products?.edges ?? []).map(({ node }) => tile(node)), more: products?.pageInfo.hasNextPage ?? false };
}

function tile(product: { id: string; name: string; price: { formatted: string }; image?: { url: string } | null }): Tile {
  return { id: product.id, name: product.name, price: product.price.formatted, thumbnail: product.image?.url ?? null };
}

/** The product screen: a short plain-text summary and the top three reviews. */
export async function productScreen(
  client: Client,
  id: string,
): Promise<{ name: string; summary: string; price: number; currency: string; topReviews: { title: string; rating: number; by: string | null }[] } | null> {
  const { data, error } = await client.query(MobileProductDocument, { id }).toPromise();
  if (error) throw error;
  const product = data?.product;
  if (!product) return null;
  const summary: string = product.summary;
  return {
    name: product.name,
    summary,
    price: product.price.amount,
    currency: product.price.currency,
    topReviews: (product.topReviews ?? []).map((review) => ({ title: review.title, rating: review.rating, by: review.author?.displayName ?? null })),
  };
}

/** Checkout: the order id, or the sentence the app shows instead. */
export async function placeOrder(client: Client, lines: OrderLineInput[], idempotencyKey: string): Promise<{ orderId: string } | { problem: string }> {
  const { data, error } = await client.mutation(MobilePlaceOrderDocument, { input: { lines, idempotencyKey } }).toPromise();
  if (error || !data) throw error ?? new Error('MobilePlaceOrder answered no data');
  const result = data.placeOrder;
  if (result.__typename === 'PlaceOrderSuccess') return { orderId: result.order.id };
  if (result.__typename === 'OutOfStock') return { problem: `Only ${result.available} of ${result.sku} left.` };
  return { problem: result.message };
}
