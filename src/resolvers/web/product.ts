/**
 * What only the web shop's Product has: the markdown description, every
 * image, and the paginated reviews with their total.
 */
import { paginate, pageSize } from '../connection';
import type { ProductResolvers, ReviewConnectionResolvers } from '../generated';
import { productOf } from '../shared/product';

export const webProductResolvers: ProductResolvers = {
  description: async (parent, _args, ctx) => (await productOf(parent, ctx)).description,
  images: async (parent, _args, ctx) => (await productOf(parent, ctx)).images,
  reviews: async (parent, { first, after }, ctx) => {
    const size = pageSize(first, 10, ctx.maxPageSize);
    const connection = await paginate('reviews', size, after, (cursor, limit) =>
      ctx.loaders.reviewPage.load({ productId: parent.id, cursor, limit }),
    );
    return { ...connection, productId: parent.id };
  },
};

export const reviewConnectionResolvers: ReviewConnectionResolvers = {
  // The rating summary counts every review; the same load serves Product.rating.
  totalCount: async (connection, _args, ctx) => (await ctx.loaders.rating.load(connection.productId))?.count ?? 0,
  edges: (connection) => connection.edges,
  pageInfo: (connection) => connection.pageInfo,
};
