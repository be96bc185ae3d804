/**
 * The payloads of the six downstream services, exactly as
 * `../shared/contract/downstream.openapi.yaml` defines them.
 *
 * These are the shapes after validation (see `validate.ts`): the downstream
 * clients return them, resolvers and codegen mappers build on them, and the
 * demo services produce them. Nothing here depends on how they travel.
 */

export interface DownstreamImage {
  id: string;
  url: string;
  width: number;
  height: number;
  alt: string;
}

export interface DownstreamProduct {
  id: string;
  sku: string;
  name: string;
  brand: string;
  /** Markdown, up to a few KB. */
  description: string;
  categoryId: string;
  priceCents: number;
  currency: string;
  images: DownstreamImage[];
  createdAt: string;
}

export interface DownstreamCategory {
  id: string;
  slug: string;
  name: string;
  parentId: string | null;
}

export interface DownstreamStockLevel {
  sku: string;
  available: number;
  restockDate: string | null;
}

export interface DownstreamReview {
  id: string;
  productId: string;
  authorId: string;
  rating: number;
  title: string;
  body: string;
  createdAt: string;
}

export interface DownstreamRatingSummary {
  productId: string;
  average: number | null;
  count: number;
}

export interface DownstreamUser {
  id: string;
  displayName: string;
  /** Personal data: never logged, never cached across users. */
  email: string;
  avatarUrl: string;
  memberSince: string;
}

export type OrderStatus = 'PLACED' | 'SHIPPED' | 'DELIVERED' | 'CANCELLED';

export interface DownstreamOrderLine {
  productId: string;
  sku: string;
  quantity: number;
  unitPriceCents: number;
}

export interface DownstreamOrder {
  id: string;
  userId: string;
  status: OrderStatus;
  lines: DownstreamOrderLine[];
  totalCents: number;
  currency: string;
  placedAt: string;
}

/** A cursor-paginated list page. `nextCursor` is null on the last page. */
export interface DownstreamPage<T> {
  items: T[];
  nextCursor: string | null;
}

/** The error body every service uses with a 4xx/5xx status. */
export interface DownstreamErrorBody {
  error: string;
  message: string;
  field?: string;
  sku?: string;
  available?: number;
}
