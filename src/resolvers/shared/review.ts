/**
 * Reviews and their authors. An author is shown as a public `User` (id,
 * display name, avatar): the account payload also carries an email, which
 * the `User` type does not expose.
 */
import type { ReviewResolvers, UserResolvers } from '../generated';

export const reviewResolvers: ReviewResolvers = {
  id: (review) => review.id,
  rating: (review) => review.rating,
  title: (review) => review.title,
  body: (review) => review.body,
  createdAt: (review) => review.createdAt,
  author: (review, _args, ctx) => ctx.loaders.user.load(review.authorId),
  product: (review, _args, ctx) => ctx.loaders.product.load(review.productId),
};

export const userResolvers: UserResolvers = {
  id: (user) => user.id,
  displayName: (user) => user.displayName,
  avatarUrl: (user) => user.avatarUrl,
};
