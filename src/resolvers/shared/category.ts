/**
 * Categories come from one read of the whole tree per request
 * (`GET /categories`, a few hundred entries); parent, children and
 * breadcrumb are lookups in its index.
 */
import type { CategoryResolvers } from '../generated';

export const categoryResolvers: CategoryResolvers = {
  id: (category) => category.id,
  name: (category) => category.name,
  slug: (category) => category.slug,
  parent: async (category, _args, ctx) =>
    category.parentId === null ? null : (await ctx.loaders.categories.load('all')).get(category.parentId),
  children: async (category, _args, ctx) => (await ctx.loaders.categories.load('all')).children(category.id),
  breadcrumb: async (category, _args, ctx) => (await ctx.loaders.categories.load('all')).breadcrumb(category.id),
};
