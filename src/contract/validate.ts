/**
 * Checks that a downstream payload has the shape the contract promises.
 *
 * Why: the gateway trusts nothing it did not make. A service that sends a
 * string where a number belongs, drops a required field or truncates its JSON
 * must produce a typed error (DOWNSTREAM_BAD_PAYLOAD) on the fields that needed
 * it, never a crash and never a wrong value rendered to a user.
 *
 * The checkers are plain functions composed from a few primitives, so a check
 * reads like the OpenAPI schema it mirrors and costs one pass over the value
 * with no allocation on success (the value itself is returned).
 */
import type {
  DownstreamCategory,
  DownstreamImage,
  DownstreamOrder,
  DownstreamOrderLine,
  DownstreamProduct,
  DownstreamRatingSummary,
  DownstreamReview,
  DownstreamStockLevel,
  DownstreamUser,
  OrderStatus,
} from './payloads';

/** Thrown by a checker; the client turns it into a DownstreamError. */
export class PayloadError extends Error {
  constructor(readonly path: string, readonly expected: string) {
    super(`${path || 'body'} is not ${expected}`);
  }
}

export type Check<T> = (value: unknown, path: string) => T;

export const string: Check<string> = (v, path) => {
  if (typeof v !== 'string') throw new PayloadError(path, 'a string');
  return v;
};

export const integer: Check<number> = (v, path) => {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new PayloadError(path, 'an integer');
  return v;
};

export function integerIn(min: number, max = Number.MAX_SAFE_INTEGER): Check<number> {
  return (v, path) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw new PayloadError(path, max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`);
    }
    return v;
  };
}

const nonNegative = integerIn(0);

export const number: Check<number> = (v, path) => {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new PayloadError(path, 'a number');
  return v;
};

export function nullable<T>(check: Check<T>): Check<T | null> {
  return (v, path) => (v === null ? null : check(v, path));
}

export function oneOf<T extends string>(values: readonly T[]): Check<T> {
  return (v, path) => {
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
      throw new PayloadError(path, `one of ${values.join(', ')}`);
    }
    return v as T;
  };
}

export function array<T>(check: Check<T>): Check<T[]> {
  return (v, path) => {
    if (!Array.isArray(v)) throw new PayloadError(path, 'an array');
    for (let i = 0; i < v.length; i++) check(v[i], `${path}[${i}]`);
    return v as T[];
  };
}

/** An object with at least these fields; extra fields are allowed (the contract may grow). */
export function object<T>(fields: { [K in keyof T]-?: Check<T[K]> }): Check<T> {
  const entries = Object.entries(fields) as [string, Check<unknown>][];
  return (v, path) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      throw new PayloadError(path, 'an object');
    }
    const record = v as Record<string, unknown>;
    for (const [key, check] of entries) check(record[key], path ? `${path}.${key}` : key);
    return v as T;
  };
}

export const image = object<DownstreamImage>({
  id: string,
  url: string,
  width: integer,
  height: integer,
  alt: string,
});

export const product = object<DownstreamProduct>({
  id: string,
  sku: string,
  name: string,
  brand: string,
  description: string,
  categoryId: string,
  priceCents: nonNegative,
  currency: string,
  images: array(image),
  createdAt: string,
});

export const category = object<DownstreamCategory>({
  id: string,
  slug: string,
  name: string,
  parentId: nullable(string),
});

export const stockLevel = object<DownstreamStockLevel>({
  sku: string,
  available: nonNegative,
  restockDate: nullable(string),
});

export const review = object<DownstreamReview>({
  id: string,
  productId: string,
  authorId: string,
  rating: integerIn(1, 5),
  title: string,
  body: string,
  createdAt: string,
});

export const ratingSummary = object<DownstreamRatingSummary>({
  productId: string,
  average: nullable(number),
  count: nonNegative,
});

export const user = object<DownstreamUser>({
  id: string,
  displayName: string,
  email: string,
  avatarUrl: string,
  memberSince: string,
});

const orderStatus = oneOf<OrderStatus>(['PLACED', 'SHIPPED', 'DELIVERED', 'CANCELLED']);

export const order = object<DownstreamOrder>({
  id: string,
  userId: string,
  status: orderStatus,
  lines: array(
    object<DownstreamOrderLine>({
      productId: string,
      sku: string,
      quantity: integerIn(1),
      unitPriceCents: nonNegative,
    }),
  ),
  totalCents: nonNegative,
  currency: string,
  placedAt: string,
});

export function items<T>(check: Check<T>): Check<{ items: T[] }> {
  return object({ items: array(check) });
}

export function page<T>(check: Check<T>): Check<{ items: T[]; nextCursor: string | null }> {
  return object({ items: array(check), nextCursor: nullable(string) });
}

export const productIds = object<{ productIds: string[] }>({ productIds: array(string) });
