/**
 * Categories come from one read of the whole tree per request
 * (`GET /categories`, a few hundred entries); parent, children and
 * breadcrumb are lookups in its index; the parent is linked there already
 * (domain/categories.ts), a plain property with no resolver.
 */
import type { CategoryResolvers } from '../generated';
import { then } from '../promiseOrValue';

export const categoryResolvers: CategoryResolvers = {
  children: (category, _args, ctx) => then(ctx.loaders.categories.load('all'), (index) => index.children(category.id)),
  breadcrumb: (category, _args, ctx) => then(ctx.loaders.categories.load('all'), (index) => index.breadcrumb(category.id)),
};
