/**
 * Reviews and their authors. An author is shown as a public `User` (id,
 * display name, avatar): the account payload also carries an email, which
 * the `User` type does not expose.
 */
import type { ReviewResolvers, UserResolvers } from '../generated';

export const reviewResolvers: ReviewResolvers = {
  author: (review, _args, ctx) => ctx.loaders.user.load(review.authorId),
  product: (review, _args, ctx) => ctx.loaders.product.load(review.productId),
};

export const userResolvers: UserResolvers = {
};
