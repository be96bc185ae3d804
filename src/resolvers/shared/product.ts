/**
 * Product fields every frontend shares. The parent is the catalog payload or a
 * bare `{ id }` reference (see parents.ts): fields that need more than the id
 * go through `productOf`, which answers at once for a payload and loads a
 * reference through the request's product loader (batched with every other
 * product of the request).
 */
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../../errors/catalogue';
import { sizedImage } from '../../domain/images';
import type { DownstreamProduct } from '../../downstream/types';
import type { RequestContext } from '../../context/requestContext';
import { pageSize } from '../connection';
import type { ProductResolvers } from '../generated';
import type { ProductParent } from '../parents';
import { prefetch } from '../prefetch';

/** The recommendations service answers at most 50 ids. */
const MAX_RECOMMENDATIONS = 50;

export function productOf(parent: ProductParent, ctx: RequestContext): DownstreamProduct | Promise<DownstreamProduct> {
  if (parent.sku !== undefined) return parent;
  return ctx.loaders.product.load(parent.id).then((product) => {
    if (!product) throw new GraphQLError(`Product ${parent.id} is no longer in the catalog.`, { extensions: { code: ErrorCode.NOT_FOUND } });
    return product;
  });
}

function field<K extends keyof DownstreamProduct>(key: K) {
  return (parent: ProductParent, _args: unknown, ctx: RequestContext) => {
    const product = productOf(parent, ctx);
    return product instanceof Promise ? product.then((p) => p[key]) : product[key];
  };
}

export const productResolvers: ProductResolvers = {
  id: (parent) => parent.id,
  sku: field('sku'),
  name: field('name'),
  brand: field('brand'),
  price: async (parent, _args, ctx) => {
    const product = await productOf(parent, ctx);
    return { cents: product.priceCents, currency: product.currency };
  },
  image: async (parent, { size }, ctx) => {
    const first = (await productOf(parent, ctx)).images[0];
    return first ? sizedImage(first, size) : null;
  },
  category: async (parent, _args, ctx) => {
    const [product, categories] = await Promise.all([productOf(parent, ctx), ctx.loaders.categories.load('all')]);
    return categories.get(product.categoryId);
  },
  availability: async (parent, _args, ctx) => ctx.loaders.stock.load((await productOf(parent, ctx)).sku),
  rating: (parent, _args, ctx) => ctx.loaders.rating.load(parent.id),
  recommendations: async (parent, { first }, ctx, info) => {
    const limit = Math.min(pageSize(first, 8, ctx.maxPageSize), MAX_RECOMMENDATIONS);
    if (limit === 0) return [];
    const ids = await ctx.loaders.recommendations.load({ productId: parent.id, limit });
    // Their ratings (and any other id-only field) start now, in the same batch window as the products.
    for (const id of ids) prefetch('Product', id, info, ctx);
    const products = await ctx.loaders.product.loadMany(ids);
    const found: DownstreamProduct[] = [];
    for (const product of products) {
      if (product instanceof Error) throw product;
      if (product) found.push(product);
    }
    return found;
  },
};
