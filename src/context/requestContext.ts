/**
 * Everything one GraphQL request's resolvers may use, built once per request.
 *
 * Why a plain object built here: resolvers get their dependencies passed in
 * (no module singletons), so a test builds a gateway with its own downstream
 * URLs and nothing leaks between gateways or between requests. The loaders in
 * it are per request (see domain/loaders.ts); the downstream clients are
 * shared by all requests of a gateway.
 */
import type { CachePolicy } from '../cache/cachePolicy';
import type { CacheSession } from '../cache/cacheSession';
import type { Frontend } from '../config';
import type { EntityCache } from '../cache/entityCache';
import type { Loaders } from '../domain/loaders';
import type { Downstream } from '../downstream';
import type { CallTrace } from '../downstream/serviceHttp';
import type { Viewer } from './auth';

export interface RequestContext {
  frontend: Frontend;
  requestId: string;
  /** BCP 47 locale from Accept-Language, for Money.formatted. */
  locale: string;
  /** The verified user, or null for an anonymous request. */
  viewer: Viewer | null;
  loaders: Loaders;
  /** This request's use of the entity cache (batched Redis work, stats, dependencies). */
  cache: CacheSession;
  /** Evicts entities after a write; see cache/entityCache.ts. */
  evict: EntityCache['evict'];
  downstream: Downstream;
  /** What this request did, for its log line (shared by reference: Apollo clones the context). */
  trace: RequestTrace;
  /** Largest `first` this frontend allows. */
  maxPageSize: number;
}

export interface RequestTrace extends CallTrace {
  /** Set once the operation is resolved. */
  operationName: string | null;
  /** What the response cache did for this request. */
  responseCache?: 'hit' | 'miss' | 'bypass';
  /** The document's cache policy (null: not cacheable), once the operation is resolved. */
  cachePolicy?: CachePolicy | null;
}
