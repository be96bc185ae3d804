/**
 * The app's first screen in one round trip: the newest products, the
 * top-level categories, and the viewer's latest orders (none when anonymous,
 * at no downstream cost).
 */
import { cacheControlFromInfo } from '@apollo/cache-control-types';
import { pageSize } from '../connection';
import type { HomeResolvers, QueryResolvers } from '../generated';

export const homeQueryResolvers: QueryResolvers = {
  home: () => ({}),
};

export const homeResolvers: HomeResolvers = {
  featured: async (_home, { first }, ctx) => {
    const limit = pageSize(first, 8, ctx.maxPageSize);
    if (limit === 0) return [];
    const page = await ctx.loaders.listing.load({ limit });
    if ('rejected' in page) return [];
    for (const product of page.items) ctx.loaders.product.prime(product.id, product);
    return page.items;
  },
  categories: async (_home, _args, ctx) => (await ctx.loaders.categories.load('all')).roots,
  recentOrders: async (_home, { first }, ctx, info) => {
    if (!ctx.viewer) return [];
    // The user's own orders: this response is for them alone.
    cacheControlFromInfo(info).setCacheHint({ maxAge: 0, scope: 'PRIVATE' });
    const limit = pageSize(first, 3, ctx.maxPageSize);
    if (limit === 0) return [];
    const page = await ctx.loaders.orderPage.load({ userId: ctx.viewer.userId, limit });
    return 'rejected' in page ? [] : page.items;
  },
};
