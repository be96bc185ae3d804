/**
 * Builds each frontend's executable schema: the shared SDL and resolvers,
 * plus that frontend's own folder of each (schema/web + resolvers/web, or
 * schema/mobile + resolvers/mobile). A field that exists on one frontend only
 * is simply absent from the other's schema, so an operation written for one
 * may fail validation on the other, by design.
 *
 * A field that is its parent's property of the same name has no resolver:
 * the default one reads it, and graphql-jit then compiles it to a property
 * read inline. A resolver, even `(p) => p.id`, makes every call of it a
 * deferred field with its own resolve-info, path and arguments objects: the
 * trivial resolvers of categories, ratings, reviews and connections were a
 * large part of what a warm WebCategoryListing allocated.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { projectRoot, type Frontend } from '../config';
import type { Resolvers } from './generated';
import { homeQueryResolvers, homeResolvers } from './mobile/home';
import { mobileProductResolvers } from './mobile/product';
import { accountResolvers, orderLineResolvers, orderResolvers } from './shared/account';
import { categoryResolvers } from './shared/category';
import { mutationResolvers, submitReviewSuccessResolvers } from './shared/mutation';
import { productResolvers } from './shared/product';
import { queryResolvers } from './shared/query';
import { reviewResolvers, userResolvers } from './shared/review';
import { stockChangeResolvers, subscriptionResolvers } from './shared/subscription';
import { DateScalar, DateTime } from './shared/values';
import { reviewConnectionResolvers, webProductResolvers } from './web/product';

/** Result-union members carry their own `__typename` (see shared/mutation.ts). */
function typename<T extends string>(value: { __typename?: T }): T | null {
  return value.__typename ?? null;
}

const shared: Resolvers = {
  DateTime,
  Date: DateScalar,
  Query: queryResolvers,
  Mutation: mutationResolvers,
  Subscription: subscriptionResolvers,
  StockChange: stockChangeResolvers,
  Product: productResolvers,
  Category: categoryResolvers,
  Review: reviewResolvers,
  User: userResolvers,
  Account: accountResolvers,
  Order: orderResolvers,
  OrderLine: orderLineResolvers,
  PlaceOrderResult: { __resolveType: typename },
  SubmitReviewResult: { __resolveType: typename },
  SubmitReviewSuccess: submitReviewSuccessResolvers,
};

const byFrontend: Record<Frontend, Resolvers> = {
  web: {
    Product: webProductResolvers,
    ReviewConnection: reviewConnectionResolvers,
  },
  mobile: {
    Query: homeQueryResolvers,
    Product: mobileProductResolvers,
    Home: homeResolvers,
  },
};

function sdlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.graphql'))
    .sort()
    .map((name) => readFileSync(join(dir, name), 'utf8'));
}

/** The type definitions of one frontend: the shared SDL plus its own folder. */
export function typeDefsFor(frontend: Frontend): string[] {
  const root = join(projectRoot(), 'schema');
  return [...sdlFiles(root), ...sdlFiles(join(root, frontend))];
}

export function buildSchema(frontend: Frontend): GraphQLSchema {
  const own = byFrontend[frontend];
  const resolvers: Resolvers = { ...shared };
  for (const [type, fields] of Object.entries(own) as [keyof Resolvers, object][]) {
    resolvers[type] = { ...(shared[type] as object), ...fields } as never;
  }
  return makeExecutableSchema({
    typeDefs: typeDefsFor(frontend),
    resolvers: resolvers as never,
    resolverValidationOptions: { requireResolversToMatchSchema: 'error' },
  });
}
