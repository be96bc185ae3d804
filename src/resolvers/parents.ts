/**
 * What resolvers of the non-downstream types receive as their parent value.
 *
 * Types backed by a downstream payload (Product, Review, Order …) receive that
 * payload itself (see the mappers in codegen.yml). The types below are the
 * gateway's own shapes: money with its currency, connections with their
 * edges, the mobile home screen.
 */
import type { DownstreamOrder, DownstreamOrderLine, DownstreamProduct, DownstreamReview } from '../contract/payloads';

/**
 * A Product is either the catalog's payload or a bare reference by id, for
 * results that know only the id (a review just written). A reference reaches
 * only the fields that need nothing but the id (id, and the @idOnly ones:
 * rating, reviews, recommendations): a written review's product is loaded
 * when more is selected (resolvers/shared/mutation.ts), since the payload's
 * own fields have no resolvers (resolvers/shared/product.ts).
 */
export type ProductParent = DownstreamProduct | ProductRef;

export interface ProductRef {
  id: string;
  sku?: undefined;
}

/**
 * Money as it is served: every field a plain property (made by `moneyOf`,
 * shared/values.ts), so that Money needs no resolvers (resolvers/index.ts
 * says why that matters).
 */
export interface MoneyParent {
  amount: number;
  currency: string;
  formatted: string;
}

/** Availability as it is served, made from the inventory's stock level by `availabilityOf` (shared/values.ts). */
export interface AvailabilityParent {
  inStock: boolean;
  quantity: number;
  restockDate: string | null;
}

export interface OrderLineParent {
  line: DownstreamOrderLine;
  currency: string;
}

export interface EdgeParent<T> {
  cursor: string;
  node: T;
}

export interface PageInfoParent {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface ConnectionParent<T> {
  edges: EdgeParent<T>[];
  pageInfo: PageInfoParent;
}

export type ProductConnectionParent = ConnectionParent<DownstreamProduct>;
export type OrderConnectionParent = ConnectionParent<DownstreamOrder>;
export interface ReviewConnectionParent extends ConnectionParent<DownstreamReview> {
  productId: string;
}

/** The mobile home screen is assembled by its own field resolvers. */
export type HomeParent = Record<string, never>;

export interface PlaceOrderSuccessParent {
  __typename: 'PlaceOrderSuccess';
  order: DownstreamOrder;
}

export interface SubmitReviewSuccessParent {
  __typename: 'SubmitReviewSuccess';
  review: DownstreamReview;
  product: ProductParent;
}

