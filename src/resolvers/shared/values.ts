/**
 * The small value types: money, images, availability, ratings, and the two
 * date scalars. None of them reads downstream; they shape what their parent
 * already holds. None has resolvers: a rating (the reviews service's
 * summary) is served as it is, money and availability as values made here
 * with every field a plain property (resolvers/index.ts says why).
 */
import { GraphQLScalarType, Kind } from 'graphql';
import type { DownstreamStockLevel } from '../../contract/payloads';
import { amountOf, formatMoney } from '../../domain/money';
import type { AvailabilityParent, MoneyParent } from '../parents';

/** An amount in cents as Money in `locale`. */
export function moneyOf(cents: number, currency: string, locale: string): MoneyParent {
  return { amount: amountOf(cents), currency, formatted: formatMoney(cents, currency, locale) };
}

// A cached stock level never changes (a new level is a new payload): its availability is made once.
const availabilities = new WeakMap<DownstreamStockLevel, AvailabilityParent>();

/** The inventory's stock level as Availability. */
export function availabilityOf(stock: DownstreamStockLevel): AvailabilityParent {
  let availability = availabilities.get(stock);
  if (!availability) availabilities.set(stock, (availability = { inStock: stock.available > 0, quantity: stock.available, restockDate: stock.restockDate }));
  return availability;
}

function isoScalar(name: string, description: string, pattern: RegExp): GraphQLScalarType {
  const check = (value: unknown): string => {
    if (typeof value !== 'string' || !pattern.test(value)) {
      throw new TypeError(`${name} must be an ISO-8601 string; received ${JSON.stringify(value)}.`);
    }
    return value;
  };
  return new GraphQLScalarType({
    name,
    description,
    serialize: check,
    parseValue: check,
    parseLiteral: (ast) => {
      if (ast.kind !== Kind.STRING) throw new TypeError(`${name} must be a string literal.`);
      return check(ast.value);
    },
  });
}

// graphql-tools copies a scalar implementation's description over the SDL's, so
// these repeat schema/shared.graphql word for word (test/schemaDocs.test.ts
// fails when they drift): what the playground shows is what schema/ says.
export const DateTime = isoScalar(
  'DateTime',
  'An ISO-8601 date and time with its offset (`Z` or `±hh:mm`), e.g. 2026-11-24T10:00:00Z; sent and accepted as a string.',
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/,
);
export const DateScalar = isoScalar(
  'Date',
  'An ISO-8601 calendar date without a time, e.g. 2026-12-01; sent and accepted as a string.',
  /^\d{4}-\d{2}-\d{2}$/,
);
