/**
 * What only the app's Product has: a plain-text summary instead of the
 * markdown description, and a few top reviews instead of a connection.
 */
import { summarize } from '../../domain/summary';
import type { DownstreamProduct } from '../../contract/payloads';
import { pageSize } from '../connection';
import type { ProductResolvers } from '../generated';
import { then } from '../promiseOrValue';
import { productOf } from '../shared/product';

// A product payload is immutable once fetched: its summary is computed once.
const summaries = new WeakMap<DownstreamProduct, string>();

export const mobileProductResolvers: ProductResolvers = {
  summary: (parent, _args, ctx) =>
    then(productOf(parent, ctx), (product) => {
      let summary = summaries.get(product);
      if (summary === undefined) {
        summary = summarize(product.description);
        summaries.set(product, summary);
      }
      return summary;
    }),
  topReviews: (parent, { first }, ctx) => {
    const limit = pageSize(first, 3, ctx.maxPageSize);
    if (limit === 0) return [];
    return then(ctx.loaders.reviewPage.load({ productId: parent.id, limit }), (page) =>
      page === null || 'rejected' in page ? [] : page.items,
    );
  },
};
