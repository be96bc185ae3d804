/**
 * The reviews service: reviews, rating summaries, and writing a review.
 *
 * Why writes live next to reads: a new or replaced review must show up in
 * the product's review list and rating summary immediately (the web app's
 * WebSubmitReview reads the new average back), so the write updates the
 * shared `DemoData` indexes in place: the review list (newest first), the
 * (author, product) index that enforces one review per user and product, and
 * the rating summary.
 *
 *   GET  /products/{productId}/reviews   newest first, paginated; a product
 *                                        without reviews has an empty page
 *   GET  /ratings?productIds=a,b         batch (max 100); no reviews → count 0,
 *                                        average null; unknown products left out
 *   POST /reviews                        x-user-id required (401); body
 *        {productId, rating 1..5, title 1..120, body 1..5000} (400 with
 *        `field`); unknown product 404; a second review by the same user
 *        replaces the first (same id, new createdAt); 201 with the Review;
 *        honours `idempotency-key`
 */

import { PRODUCT_ID_PATTERN } from '../contract/ids';
import { type DownstreamReview } from '../contract/payloads';
import { batchBody, paginate, parseBatch } from './listReads';
import { CACHE, cachedJson, invalidInput, isReply, notFound, ok, type Reply } from './replies';
import type { ServiceDefinition } from './routes';
import { IdempotencyStore, parseJsonBody, requireUser } from './writes';
import { reviewIdOf, type DemoData } from './seed';

export const MAX_REVIEW_TITLE = 120;
export const MAX_REVIEW_BODY = 5000;

interface ReviewInput {
  productId: string;
  rating: number;
  title: string;
  body: string;
}

function validateReview(input: unknown): ReviewInput | Reply {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return invalidInput('the request body must be a JSON object');
  }
  const { productId, rating, title, body } = input as Record<string, unknown>;
  if (typeof productId !== 'string' || !PRODUCT_ID_PATTERN.test(productId)) {
    return invalidInput('productId must be a product id like p-0001', 'productId');
  }
  if (typeof rating !== 'number' || !Number.isInteger(rating) || rating < 1 || rating > 5) {
    return invalidInput('rating must be an integer from 1 to 5', 'rating');
  }
  if (typeof title !== 'string' || title.trim() === '' || title.length > MAX_REVIEW_TITLE) {
    return invalidInput(`title must be 1 to ${MAX_REVIEW_TITLE} characters`, 'title');
  }
  if (typeof body !== 'string' || body.trim() === '' || body.length > MAX_REVIEW_BODY) {
    return invalidInput(`body must be 1 to ${MAX_REVIEW_BODY} characters`, 'body');
  }
  return { productId, rating, title, body };
}

/** Adds or replaces `authorId`'s review of the product; updates list, index and rating. */
export function writeReview(data: DemoData, authorId: string, input: ReviewInput, now: () => number = Date.now): Readonly<DownstreamReview> {
  const key = `${authorId} ${input.productId}`;
  const previous = data.reviewsByAuthorAndProduct.get(key);
  const list = data.reviewsByProduct.get(input.productId) ?? [];
  if (previous) list.splice(list.indexOf(previous), 1);
  const review = Object.freeze({
    id: previous ? previous.id : reviewIdOf(++data.sequences.review),
    productId: input.productId,
    authorId,
    rating: input.rating,
    title: input.title,
    body: input.body,
    createdAt: new Date(now()).toISOString(),
  });
  list.unshift(review); // newest first
  data.reviewsByProduct.set(input.productId, list);
  data.reviewsByAuthorAndProduct.set(key, review);
  data.refreshRating(input.productId);
  return review;
}

/** `now`: the clock reviews are written by (default the wall clock). */
export function createReviewsService(data: DemoData, now: () => number = Date.now): ServiceDefinition {
  const idempotency = new IdempotencyStore();

  return {
    name: 'reviews',
    routes: [
      {
        method: 'GET',
        path: '/products/{productId}/reviews',
        handle({ params, query }) {
          const productId = params[0] as string;
          if (!PRODUCT_ID_PATTERN.test(productId)) return notFound(`no product ${productId}`);
          return paginate(query, data.reviewsByProduct.get(productId) ?? [], cachedJson, CACHE.reviews);
        },
      },
      {
        method: 'GET',
        path: '/ratings',
        handle({ query }) {
          const ids = parseBatch(query, 'productIds', true);
          if (isReply(ids)) return ids;
          // Rating summaries are live (reviews change them): serialised fresh.
          return ok(batchBody(ids ?? [], (id) => data.ratingsByProduct.get(id), (summary) => JSON.stringify(summary)), CACHE.ratings);
        },
      },
      {
        method: 'POST',
        path: '/reviews',
        handle(ctx) {
          const userId = requireUser(ctx);
          if (isReply(userId)) return userId;
          return idempotency.run(ctx, userId, () => {
            const parsed = parseJsonBody(ctx);
            if (isReply(parsed)) return parsed;
            const input = validateReview(parsed.value);
            if (isReply(input)) return input;
            if (!data.productsById.has(input.productId)) return notFound(`no product ${input.productId}`);
            return ok(cachedJson(writeReview(data, userId, input, now)), CACHE.none, 201);
          });
        },
      },
    ],
  };
}
