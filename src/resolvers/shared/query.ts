/**
 * The root queries every frontend shares: products, categories, the viewer.
 */
import { isProductId } from '../../contract/ids';
import { badUserInput, quote } from '../../errors/catalogue';
import { paginate, pageSize } from '../connection';
import type { QueryResolvers } from '../generated';
import { then } from '../promiseOrValue';
import { abandonUnlessFound, prefetch } from '../prefetch';
import type { DownstreamProduct } from '../../contract/payloads';
import { NOT_HELD } from '../../domain/loaders';

const MAX_SEARCH_LENGTH = 200;

export const queryResolvers: QueryResolvers = {
  product: (_root, { id }, ctx, info) => {
    if (!isProductId(id)) throw badUserInput(`\`id\` must be a product id like p-0001; received ${quote(id)}.`, 'id');
    // Already here (a warm hit): its fields are resolved at once, and a prefetch would run them twice.
    const held = ctx.loaders.product.held(id);
    if (held !== NOT_HELD) return held;
    // Reviews, rating, recommendations need only the id: start them with the product itself.
    const scope = prefetch(id, info, ctx);
    return abandonUnlessFound(ctx.loaders.product.load(id), scope);
  },

  products: (_root, { categoryId, search, first, after }, ctx) => {
    const size = pageSize(first, 20, ctx.maxPageSize);
    if (search != null && search.length > MAX_SEARCH_LENGTH) {
      throw badUserInput(`\`search\` must be at most ${MAX_SEARCH_LENGTH} characters; received ${search.length}.`, 'search');
    }
    return paginate<DownstreamProduct>('products', size, after, (cursor, limit) =>
      ctx.loaders.listing.load({
        categoryId: categoryId ?? undefined,
        search: search ?? undefined,
        cursor,
        limit,
      }),
    );
  },

  categories: (_root, _args, ctx) => then(ctx.loaders.categories.load('all'), (index) => index.all),

  category: (_root, { id }, ctx) => then(ctx.loaders.categories.load('all'), (index) => index.get(id)),

  // The viewer's own account carries personal data: loaded (and cached) only under the verified user's id.
  me: (_root, _args, ctx, info) => {
    if (!ctx.viewer) return null;
    const held = ctx.loaders.account.held(ctx.viewer.userId);
    if (held !== NOT_HELD) return held; // here already: its orders are resolved at once
    const scope = prefetch(ctx.viewer.userId, info, ctx); // the orders need only the user id
    return abandonUnlessFound(ctx.loaders.account.load(ctx.viewer.userId), scope);
  },
};
