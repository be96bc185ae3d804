/**
 * Product fields every frontend shares. The parent is the catalog payload,
 * or a bare `{ id }` reference (see parents.ts) only where nothing but the
 * id and @idOnly fields is read: a prefetch calls only those, and a
 * submitted review's product is a reference only for such a selection
 * (shared/mutation.ts). So the payload's own fields (sku, name, brand, and
 * the web's description and images) have no resolvers: graphql-jit reads
 * them inline (resolvers/index.ts says why that matters). The fields that
 * shape or join the payload still go through `productOf`, which answers at
 * once for a payload and loads a reference through the request's product
 * loader (batched with every other product of the request).
 */
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../../errors/catalogue';
import { sizedImage } from '../../domain/images';
import type { DownstreamProduct } from '../../contract/payloads';
import type { RequestContext } from '../../context/requestContext';
import { pageSize } from '../connection';
import type { ProductResolvers } from '../generated';
import type { MoneyParent, ProductParent } from '../parents';
import { both, then, type PromiseOrValue } from '../promiseOrValue';
import { prefetch } from '../prefetch';
import { availabilityOf, moneyOf } from './values';

/** The recommendations service answers at most 50 ids. */
const MAX_RECOMMENDATIONS = 50;

export function productOf(parent: ProductParent, ctx: RequestContext): PromiseOrValue<DownstreamProduct> {
  if (parent.sku !== undefined) return parent;
  return then(ctx.loaders.product.load(parent.id), (product) => {
    if (!product) throw new GraphQLError(`Product ${parent.id} is no longer in the catalog.`, { extensions: { code: ErrorCode.NOT_FOUND } });
    return product;
  });
}

// A cached product payload never changes: its price is made once per locale.
const prices = new WeakMap<DownstreamProduct, Map<string, MoneyParent>>();

function priceOf(product: DownstreamProduct, locale: string): MoneyParent {
  let byLocale = prices.get(product);
  if (!byLocale) prices.set(product, (byLocale = new Map()));
  let price = byLocale.get(locale);
  if (!price) byLocale.set(locale, (price = moneyOf(product.priceCents, product.currency, locale)));
  return price;
}

export const productResolvers: ProductResolvers = {
  price: (parent, _args, ctx) => then(productOf(parent, ctx), (p) => priceOf(p, ctx.locale)),
  image: (parent, { size }, ctx) =>
    then(productOf(parent, ctx), (p) => {
      const first = p.images[0];
      return first ? sizedImage(first, size) : null;
    }),
  category: (parent, _args, ctx) =>
    both(productOf(parent, ctx), ctx.loaders.categories.load('all'), (p, categories) => categories.get(p.categoryId)),
  availability: (parent, _args, ctx) => then(productOf(parent, ctx), (p) => then(ctx.loaders.stock.load(p.sku), (stock) => stock && availabilityOf(stock))),
  rating: (parent, _args, ctx) => ctx.loaders.rating.load(parent.id),
  recommendations: (parent, { first }, ctx, info) => {
    const limit = Math.min(pageSize(first, 8, ctx.maxPageSize), MAX_RECOMMENDATIONS);
    if (limit === 0) return [];
    return then(ctx.loaders.recommendations.load({ productId: parent.id, limit }), (ids) => {
      const loading = ctx.loaders.product.loadMany(ids);
      // Their ratings (and any other id-only field) start now, in the same batch window as the products;
      // not when every product is here already (warm hits): they are resolved at once then, and would run twice.
      const scopes = loading instanceof Promise ? ids.map((id) => prefetch(id, info, ctx)) : [];
      return then(loading, (products) => {
        const found: DownstreamProduct[] = [];
        products.forEach((product, i) => {
          if (product instanceof Error || !product) scopes[i]?.abandon();
          if (product instanceof Error) throw product;
          if (product) found.push(product);
        });
        return found;
      });
    });
  },
};
