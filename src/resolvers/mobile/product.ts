/**
 * What only the app's Product has: a plain-text summary instead of the
 * markdown description, and a few top reviews instead of a connection.
 */
import { summarize } from '../../domain/summary';
import type { DownstreamProduct } from '../../downstream/types';
import { pageSize } from '../connection';
import type { ProductResolvers } from '../generated';
import { productOf } from '../shared/product';

// A product payload is immutable once fetched: its summary is computed once.
const summaries = new WeakMap<DownstreamProduct, string>();

export const mobileProductResolvers: ProductResolvers = {
  summary: async (parent, _args, ctx) => {
    const product = await productOf(parent, ctx);
    let summary = summaries.get(product);
    if (summary === undefined) {
      summary = summarize(product.description);
      summaries.set(product, summary);
    }
    return summary;
  },
  topReviews: async (parent, { first }, ctx) => {
    const limit = pageSize(first, 3, ctx.maxPageSize);
    if (limit === 0) return [];
    const page = await ctx.loaders.reviewPage.load({ productId: parent.id, limit });
    return page === null || 'rejected' in page ? [] : page.items;
  },
};
