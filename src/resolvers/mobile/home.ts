/**
 * The app's first screen in one round trip: the newest products, the
 * top-level categories, and the viewer's latest orders (none when anonymous,
 * at no downstream cost).
 */
import { pageSize } from '../connection';
import { then } from '../promiseOrValue';
import type { HomeResolvers, QueryResolvers } from '../generated';

export const homeQueryResolvers: QueryResolvers = {
  home: () => ({}),
};

export const homeResolvers: HomeResolvers = {
  featured: (_home, { first }, ctx) => {
    const limit = pageSize(first, 8, ctx.maxPageSize);
    if (limit === 0) return [];
    return then(ctx.loaders.listing.load({ limit }), (page) => ('rejected' in page ? [] : page.items));
  },
  categories: (_home, _args, ctx) => then(ctx.loaders.categories.load('all'), (index) => index.roots),
  recentOrders: (_home, { first }, ctx) => {
    // Anonymous: nothing private. Signed in: the response is the user's alone, and
    // signed-in responses are never cached and are sent `private, no-store`.
    if (!ctx.viewer) return [];
    const limit = pageSize(first, 3, ctx.maxPageSize);
    if (limit === 0) return [];
    return then(ctx.loaders.orderPage.load({ userId: ctx.viewer.userId, limit }), (page) =>
      page === null || 'rejected' in page ? [] : page.items,
    );
  },
};
