/**
 * The small value types: money, images, availability, ratings, and the two
 * date scalars. None of them reads downstream; they shape what their parent
 * already holds. A rating (the reviews service's summary) is served as it
 * is: its fields are the payload's own, so it has no resolvers at all.
 */
import { GraphQLScalarType, Kind } from 'graphql';
import { amountOf, formatMoney } from '../../domain/money';
import type { AvailabilityResolvers, MoneyResolvers } from '../generated';

export const moneyResolvers: MoneyResolvers = {
  amount: (money) => amountOf(money.cents),
  formatted: (money, _args, ctx) => formatMoney(money.cents, money.currency, ctx.locale),
};

export const availabilityResolvers: AvailabilityResolvers = {
  inStock: (stock) => stock.available > 0,
  quantity: (stock) => stock.available,
};

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
