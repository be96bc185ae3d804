/**
 * The recommendations service: related products for one product.
 *
 * Why it is the simplest one: the related ids are precomputed per product by
 * `seed.ts` (20 each, best first, never the product itself). In production
 * this is the slowest and least reliable service, so it is the natural
 * target for the latency and failure knobs.
 *
 *   GET /recommendations?productId=p-0001&limit=10   limit 1..50, default 10;
 *   an unknown (well-formed) product has no recommendations
 */

import { PRODUCT_ID_PATTERN } from '../contract/ids';
import { parseLimit } from './listReads';
import { CACHE, invalidInput, ok } from './replies';
import type { ServiceDefinition } from './routes';
import type { DemoData } from './seed';

export function createRecommendationsService(data: DemoData): ServiceDefinition {
  return {
    name: 'recommendations',
    routes: [
      {
        method: 'GET',
        path: '/recommendations',
        handle({ query }) {
          const productId = query.productId;
          if (productId === undefined || !PRODUCT_ID_PATTERN.test(productId)) {
            return invalidInput('productId is required and must look like p-0001', 'productId');
          }
          const limit = parseLimit(query, 50, 10);
          if (typeof limit !== 'number') return limit;
          const related = data.recommendationsByProduct.get(productId) ?? [];
          return ok(JSON.stringify({ productIds: related.slice(0, limit) }), CACHE.recommendations);
        },
      },
    ],
  };
}
