/**
 * What the entity cache stores, and for how long (keys are built in keys.ts).
 *
 * Freshness (`ttl`) is never longer than the service's `Cache-Control:
 * max-age`: the shorter of the two wins, per response. Past freshness an
 * entry is kept a while longer for two purposes only: stale-while-revalidate
 * (`swr`: answer at once, refresh in the background) and stale-if-error
 * (`sie`: answer when the service fails, reported in the response). Unknown
 * ids get a short negative entry (`negativeTtl`) so a flood of requests for a
 * missing product does not become a flood of downstream calls.
 *
 * THE PRIVACY RULE, applied here where keys are built: a key never lets one
 * user read another user's data.
 * - Public families (products, categories, stock, ratings, reviews,
 *   recommendations, listings) hold data that is the same for everyone.
 * - `user` holds the *public profile* only (id, display name, avatar, member
 *   since): the email is stripped before anything is stored (see
 *   `publicProfile`).
 * - `account` (the signed-in user's own record, with the email) and `orders`
 *   pages are private: their key contains the user id taken from the verified
 *   token (never from the query or a parent object), their TTL is short, they
 *   are never served stale, and the user's own `placeOrder` evicts the order
 *   pages. The response cache never stores a signed-in request.
 */
import type { DownstreamUser } from '../contract/payloads';

export type Family =
  | 'product'
  | 'categories'
  | 'stock'
  | 'rating'
  | 'user'
  | 'account'
  | 'recommendations'
  | 'listing'
  | 'reviews'
  | 'orders';

export interface EntityPolicy {
  /** Bump when the stored value's shape changes. */
  version: number;
  /** Seconds an entry is fresh (capped by the response's max-age). */
  ttl: number;
  /** Seconds past freshness during which a hit is served and refreshed in the background. */
  swr: number;
  /** Seconds past freshness during which an entry answers when the service fails. */
  sie: number;
  /** Seconds an "unknown id" answer is remembered; 0 = never. */
  negativeTtl: number;
  /** Private data: keyed by user, never in the response cache. */
  private: boolean;
  /** Stored as fields of one Redis hash per owner, so one DEL evicts every page. */
  hashed: boolean;
}

const seconds = (ttl: number, swr: number, sie: number, negativeTtl: number) => ({ ttl, swr, sie, negativeTtl });

export const POLICIES: Record<Family, EntityPolicy> = {
  product: { version: 1, ...seconds(60, 60, 3600, 10), private: false, hashed: false },
  categories: { version: 1, ...seconds(300, 300, 86400, 0), private: false, hashed: false },
  stock: { version: 1, ...seconds(5, 5, 300, 5), private: false, hashed: false },
  rating: { version: 1, ...seconds(30, 30, 3600, 10), private: false, hashed: false },
  user: { version: 1, ...seconds(300, 300, 86400, 10), private: false, hashed: false },
  recommendations: { version: 1, ...seconds(120, 120, 86400, 0), private: false, hashed: false },
  listing: { version: 2, ...seconds(60, 60, 3600, 0), private: false, hashed: false },
  reviews: { version: 1, ...seconds(30, 30, 3600, 0), private: false, hashed: true },
  account: { version: 1, ...seconds(30, 0, 0, 0), private: true, hashed: false },
  orders: { version: 1, ...seconds(30, 0, 0, 0), private: true, hashed: true },
};

/** The user fields anyone may see; what the `user` family stores. */
export function publicProfile(user: DownstreamUser): PublicProfile {
  return { id: user.id, displayName: user.displayName, avatarUrl: user.avatarUrl, memberSince: user.memberSince };
}

export type PublicProfile = Omit<DownstreamUser, 'email'>;
