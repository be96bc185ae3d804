/**
 * The catalog service: products and categories.
 *
 * Why it looks the way it does: product pages and listings are the hottest
 * reads in the benchmark, so everything here is a lookup into indexes built
 * by `seed.ts`, and a product's JSON text is produced once per process
 * (`cachedJson`). Listings are offset-paginated over precomputed, newest-first
 * arrays; a search result is computed once per (category, query) and cached
 * by `DemoData.listProducts`.
 *
 *   GET /products/{id}   one product, or 404 (also for ids that are not p-NNNN)
 *   GET /products        with `ids`: a batch (max 100, unknown ids left out);
 *                        without: newest first, by `categoryId` (descendants
 *                        included) and/or `q` (name or brand, case-insensitive)
 *   GET /categories      the whole flattened tree
 */

import { PRODUCT_ID_PATTERN } from '../contract/ids';
import { batchBody, itemsBody, paginate, parseBatch } from './listReads';
import { CACHE, cachedJson, invalidInput, isReply, notFound, ok } from './replies';
import type { ServiceDefinition } from './routes';
import type { DemoData } from './seed';

export const MAX_QUERY_LENGTH = 200;

export function createCatalogService(data: DemoData): ServiceDefinition {
  const categoriesBody = itemsBody(data.categories.map((c) => JSON.stringify(c)));

  return {
    name: 'catalog',
    routes: [
      {
        method: 'GET',
        path: '/products/{id}',
        handle({ params }) {
          const id = params[0] as string;
          const product = PRODUCT_ID_PATTERN.test(id) ? data.productsById.get(id) : undefined;
          return product ? ok(cachedJson(product), CACHE.products) : notFound(`no product ${id}`);
        },
      },
      {
        method: 'GET',
        path: '/products',
        handle({ query }) {
          const ids = parseBatch(query, 'ids', false);
          if (isReply(ids)) return ids;
          if (ids) return ok(batchBody(ids, (id) => data.productsById.get(id), cachedJson, true), CACHE.products);
          const q = query.q;
          if (q !== undefined && q.length > MAX_QUERY_LENGTH) {
            return invalidInput(`q must be at most ${MAX_QUERY_LENGTH} characters`, 'q');
          }
          const categoryId = query.categoryId === '' ? undefined : query.categoryId;
          return paginate(query, data.listProducts({ categoryId, q }), cachedJson, CACHE.products);
        },
      },
      {
        method: 'GET',
        path: '/categories',
        handle: () => ok(categoriesBody, CACHE.categories),
      },
    ],
  };
}
