/**
 * The two writes. The domain's commands (domain/commands.ts) own the call,
 * the rules and the evictions; what they return are already the members of
 * the result unions, so these resolvers only pass the verified viewer along.
 *
 * A submitted review's product comes back as a bare `{ id }` reference: the
 * reviews service does not return the product, and a client that reads only
 * its id and new rating (the contract's WebSubmitReview) needs no catalog
 * call. A selection that asks for more gets the product's payload, loaded
 * here: Product's own fields (name, brand …) read the payload and have no
 * resolvers (shared/product.ts), so no reference may reach them.
 */
import type { MutationResolvers, SubmitReviewSuccessResolvers } from '../generated';
import { selectsIdOnly } from '../prefetch';
import { productOf } from './product';

export const mutationResolvers: MutationResolvers = {
  placeOrder: (_root, { input }, ctx) => ctx.commands.placeOrder(ctx.viewer, input),
  submitReview: (_root, { input }, ctx) => ctx.commands.submitReview(ctx.viewer, input),
};

export const submitReviewSuccessResolvers: SubmitReviewSuccessResolvers = {
  product: (success, _args, ctx, info) => (selectsIdOnly(info) ? success.product : productOf(success.product, ctx)),
};
