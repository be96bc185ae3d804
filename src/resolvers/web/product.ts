/**
 * What only the web shop's Product has: the markdown description, every
 * image, and the paginated reviews with their total.
 */
import { paginate, pageSize } from '../connection';
import type { ProductResolvers, ReviewConnectionResolvers } from '../generated';
import { then } from '../promiseOrValue';
import type { DownstreamReview } from '../../contract/payloads';

export const webProductResolvers: ProductResolvers = {
  reviews: (parent, { first, after }, ctx) => {
    const size = pageSize(first, 10, ctx.maxPageSize);
    const connection = paginate<DownstreamReview>('reviews', size, after, (cursor, limit) =>
      ctx.loaders.reviewPage.load({ productId: parent.id, cursor, limit }),
    );
    return then(connection, (c) => ({ ...c, productId: parent.id }));
  },
};

export const reviewConnectionResolvers: ReviewConnectionResolvers = {
  // The rating summary counts every review; the same load serves Product.rating.
  totalCount: (connection, _args, ctx) => then(ctx.loaders.rating.load(connection.productId), (rating) => rating?.count ?? 0),
};
