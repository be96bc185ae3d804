/**
 * The recommendations service: product ids related to one product, best
 * first. The slowest and least reliable service: callers treat its failure as
 * an error on the `recommendations` field alone.
 */
import { unexpectedStatus } from '../errors/catalogue';
import { isProductId } from '../contract/ids';
import type { CallTrace, Fetched } from './call';
import type { ServiceHttp } from './serviceHttp';
import { productIds } from '../contract/validate';

export type RecommendationsClient = ReturnType<typeof createRecommendationsClient>;

export function createRecommendationsClient(http: ServiceHttp) {
  return {
    /** Up to `limit` (1..50) related product ids. */
    async related(productId: string, limit: number, trace?: CallTrace, signal?: AbortSignal): Promise<Fetched<string[]>> {
      if (!isProductId(productId)) return { value: [], maxAgeSeconds: null };
      const res = await http.call('GET', '/recommendations', {
        route: 'GET /recommendations',
        check: productIds,
        query: { productId, limit },
        trace,
        signal,
      });
      if (res.ok) return { value: res.value.productIds, maxAgeSeconds: res.maxAgeSeconds };
      if (res.status === 404) return { value: [], maxAgeSeconds: null };
      throw unexpectedStatus(http.service, 'GET /recommendations', res.status);
    },
  };
}
