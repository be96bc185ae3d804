/**
 * The two writes. The domain's commands (domain/commands.ts) own the call,
 * the rules and the evictions; what they return are already the members of
 * the result unions, so these resolvers only pass the verified viewer along.
 */
import type { MutationResolvers } from '../generated';

export const mutationResolvers: MutationResolvers = {
  placeOrder: (_root, { input }, ctx) => ctx.commands.placeOrder(ctx.viewer, input),
  submitReview: (_root, { input }, ctx) => ctx.commands.submitReview(ctx.viewer, input),
};
