/**
 * Checks that a downstream payload has the shape the contract promises.
 *
 * Why: the gateway trusts nothing it did not make. A service that sends a
 * string where a number belongs, drops a required field or truncates its JSON
 * must produce a typed error (DOWNSTREAM_BAD_PAYLOAD) on the fields that needed
 * it, never a crash and never a wrong value rendered to a user.
 *
 * The checkers are plain functions composed from a few primitives, so a check
 * reads like the OpenAPI schema it mirrors. Each primitive and combinator
 * also records what it tests (a Spec), and `object` and `array` compile the
 * whole payload type into one predicate when the check is defined
 * (compileCheck.ts): a valid value costs one pass with no call per field and
 * no allocation (the value itself is returned); an invalid one is checked
 * again, field by field, for the PayloadError that names where it broke.
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
import { compileSpec, type Spec } from './compileCheck';

/** Thrown by a checker; the client turns it into a DownstreamError. */
export class PayloadError extends Error {
  constructor(readonly path: string, readonly expected: string) {
    super(`${path || 'body'} is not ${expected}`);
  }
}

export type Check<T> = (value: unknown, path: string) => T;

/** What each check of this file tests; a check made elsewhere has none, and a combinator over it is not compiled. */
const specs = new WeakMap<Check<unknown>, Spec>();

/** What `check` tests, when it is one of this file's (the tests derive payloads from it). */
export function specOf(check: Check<unknown>): Spec | undefined {
  return specs.get(check);
}

function withSpec<T>(check: Check<T>, spec: Spec | undefined): Check<T> {
  if (spec) specs.set(check, spec);
  return check;
}

/** `slow` behind its compiled predicate: the predicate answers valid values, `slow` finds the error of the others. */
function compiled<T>(slow: Check<T>, spec: Spec | undefined): Check<T> {
  if (!spec) return slow;
  const valid = compileSpec(spec);
  return withSpec((v, path) => (valid(v) ? (v as T) : slow(v, path)), spec);
}

export const string: Check<string> = withSpec(
  (v, path) => {
    if (typeof v !== 'string') throw new PayloadError(path, 'a string');
    return v;
  },
  { kind: 'string' },
);

export const integer: Check<number> = withSpec(
  (v, path) => {
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new PayloadError(path, 'an integer');
    return v;
  },
  { kind: 'integer', min: -Infinity, max: Infinity },
);

export function integerIn(min: number, max = Number.MAX_SAFE_INTEGER): Check<number> {
  return withSpec(
    (v, path) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
        throw new PayloadError(path, max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`);
      }
      return v;
    },
    { kind: 'integer', min, max },
  );
}

const nonNegative = integerIn(0);

/**
 * Fields the schema answers as GraphQL `Int`s are held to its range, a 32-bit signed integer: the
 * compiled queries write such a value as it is (graphql/compiledExecutor.ts, JIT_OPTIONS), where
 * `Int.serialize` would have refused one outside it.
 */
const INT_MAX = 2 ** 31 - 1;
const int32 = integerIn(-(2 ** 31), INT_MAX);

export const number: Check<number> = withSpec(
  (v, path) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new PayloadError(path, 'a number');
    return v;
  },
  { kind: 'number' },
);

export function nullable<T>(check: Check<T>): Check<T | null> {
  const of = specs.get(check as Check<unknown>);
  return withSpec((v, path) => (v === null ? null : check(v, path)), of && { kind: 'nullable', of });
}

export function oneOf<T extends string>(values: readonly T[]): Check<T> {
  return withSpec(
    (v, path) => {
      if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
        throw new PayloadError(path, `one of ${values.join(', ')}`);
      }
      return v as T;
    },
    { kind: 'oneOf', values },
  );
}

export function array<T>(check: Check<T>): Check<T[]> {
  const of = specs.get(check as Check<unknown>);
  const slow: Check<T[]> = (v, path) => {
    if (!Array.isArray(v)) throw new PayloadError(path, 'an array');
    for (let i = 0; i < v.length; i++) check(v[i], `${path}[${i}]`);
    return v as T[];
  };
  return compiled(slow, of && { kind: 'array', of });
}

/** An object with at least these fields; extra fields are allowed (the contract may grow). */
export function object<T>(fields: { [K in keyof T]-?: Check<T[K]> }): Check<T> {
  const entries = Object.entries(fields) as [string, Check<unknown>][];
  const slow: Check<T> = (v, path) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      throw new PayloadError(path, 'an object');
    }
    const record = v as Record<string, unknown>;
    for (const [key, check] of entries) check(record[key], path ? `${path}.${key}` : key);
    return v as T;
  };
  const fieldSpecs = entries.map(([key, check]) => [key, specs.get(check)] as const);
  const complete = fieldSpecs.every(([, spec]) => spec !== undefined);
  return compiled(slow, complete ? { kind: 'object', fields: fieldSpecs as (readonly [string, Spec])[] } : undefined);
}

export const image = object<DownstreamImage>({
  id: string,
  url: string,
  width: int32,
  height: int32,
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
  available: integerIn(0, INT_MAX),
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
  count: integerIn(0, INT_MAX),
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
      quantity: integerIn(1, INT_MAX),
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
