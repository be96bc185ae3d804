/**
 * The reviews service: a product's reviews page by page, rating summaries in
 * batches, and writing a review on behalf of the signed-in user.
 */
import { unexpectedStatus } from '../errors/catalogue';
import { idList, segment } from './paths';
import { isProductId } from '../contract/ids';
import type { CallTrace, Fetched, Outcome } from './call';
import type { ServiceHttp } from './serviceHttp';
import type { DownstreamPage, DownstreamRatingSummary, DownstreamReview } from '../contract/payloads';
import { items, page, ratingSummary, review } from '../contract/validate';

const reviewPage = page(review);
const ratingItems = items(ratingSummary);

export interface ReviewInput {
  productId: string;
  rating: number;
  title: string;
  body: string;
}

export type ReviewsClient = ReturnType<typeof createReviewsClient>;

export function createReviewsClient(http: ServiceHttp) {
  return {
    /** One page of a product's reviews, newest first; null when the product is unknown. */
    async reviewsPage(
      productId: string,
      cursor: string | undefined,
      limit: number,
      trace?: CallTrace,
      signal?: AbortSignal,
    ): Promise<Fetched<DownstreamPage<DownstreamReview>> | { rejected: string } | null> {
      if (!isProductId(productId)) return null;
      const res = await http.call('GET', `/products/${segment(productId)}/reviews`, {
        route: 'GET /products/{productId}/reviews',
        check: reviewPage,
        query: { cursor, limit },
        trace,
        signal,
      });
      if (res.ok) return { value: res.value, maxAgeSeconds: res.maxAgeSeconds };
      if (res.status === 404) return null;
      if (res.status === 400) return { rejected: res.error.message || 'the page parameters were rejected' };
      throw unexpectedStatus(http.service, 'GET /products/{productId}/reviews', res.status);
    },

    /** Rating summaries for at most 100 products; unknown products are left out. */
    async ratings(productIds: readonly string[], trace?: CallTrace, signal?: AbortSignal): Promise<Fetched<DownstreamRatingSummary[]>> {
      const valid = productIds.filter(isProductId);
      if (valid.length === 0) return { value: [], maxAgeSeconds: null };
      const res = await http.call('GET', '/ratings', {
        route: 'GET /ratings',
        check: ratingItems,
        keys: valid.length,
        query: { productIds: idList(valid) },
        trace,
        signal,
      });
      if (!res.ok) throw unexpectedStatus(http.service, 'GET /ratings', res.status);
      return { value: res.value.items, maxAgeSeconds: res.maxAgeSeconds };
    },

    /** Writes (or replaces) the user's review. Expected refusals come back as `ok: false`. */
    submitReview(
      userId: string,
      input: ReviewInput,
      idempotencyKey: string | undefined,
      trace?: CallTrace,
    ): Promise<Outcome<DownstreamReview>> {
      return http.call('POST', '/reviews', {
        route: 'POST /reviews',
        check: review,
        headers: idempotencyKey ? { 'x-user-id': userId, 'idempotency-key': idempotencyKey } : { 'x-user-id': userId },
        body: input,
        trace,
      });
    },
  };
}
