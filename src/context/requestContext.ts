/**
 * Everything one GraphQL request's resolvers may use, built once per request
 * (createContext.ts), and what the request records about itself.
 *
 * Why a plain object: resolvers get their dependencies passed in (no module
 * singletons), so a test builds a gateway with its own downstream URLs and
 * nothing leaks between gateways or between requests. Resolvers see reads
 * (`loaders`) and writes (`commands`) only: never a downstream client, the
 * cache, or a way to evict, so every read is batched and cached and every
 * write evicts what it changed. The pipeline's plugins see a little more
 * (`OperationContext`): the request's cache session and its record.
 */
import type { CacheSession } from '../cache/cacheSession';
import type { Frontend } from '../config';
import type { Commands } from '../domain/commands';
import type { PrefetchScope } from '../domain/interest';
import type { LiveFeeds } from '../domain/live';
import type { Loaders } from '../domain/loaders';
import type { Viewer } from '../domain/viewer';
import type { CallLog } from '../diagnostics/callLog';
import type { CallTrace } from '../downstream/call';

export interface RequestContext {
  frontend: Frontend;
  requestId: string;
  /** BCP 47 locale from Accept-Language, for Money.formatted. */
  locale: string;
  /** The verified user, or null for an anonymous request. */
  viewer: Viewer | null;
  loaders: Loaders;
  commands: Commands;
  /** What subscriptions listen to (Subscription resolvers only). */
  live: LiveFeeds;
  /** Largest `first` this frontend allows. */
  maxPageSize: number;
  /** Set while a prefetched resolver runs (resolvers/prefetch.ts): the prefetch its loads belong to. */
  prefetchScope?: PrefetchScope;
}

/** What Apollo's context is: the resolvers' context, and what the plugins need of the request. */
export interface OperationContext extends RequestContext {
  /** This request's use of the entity cache (batched Redis work, stats, dependencies). */
  session: CacheSession;
  /** What this request did, for its log line (shared by reference: Apollo may copy the context). */
  record: RequestRecord;
  /** Whose budgets the request spends (rate limits): `user:<id>` when signed in, else `ip:<address>`. */
  client: string;
}

/** What a request did, filled in as it goes (the transport counts its downstream calls), read by its log line. */
export interface RequestRecord extends CallTrace {
  /** `performance.now()` when the request arrived. */
  startedAt: number;
  /** The request's calls, for its diagnostics: only when they are on (never in production). */
  calls?: CallLog;
  /** Set once the operation is resolved. */
  operationName: string | null;
  /** What the response cache did for this request. */
  responseCache?: 'hit' | 'miss' | 'bypass';
  /** The trusted document's id when the request runs one (graphql/documentAdmission.ts). */
  trustedDocument?: string;
  /** The operation's estimated cost (graphql/operationCost.ts), once it is resolved. */
  cost?: number;
  /** Why a protection refused the request, for metrics: a limit's rule, `untrusted`, a rate budget, `overloaded`. */
  rejection?: string;
  /** Set once the request is charged to its client's budgets, so the endpoint charges the others exactly once. */
  rateLimitCharged?: boolean;
  /** `fast` when the fast lane ran the request (graphql/fastLane/); absent when Apollo did or nothing ran. */
  lane?: 'fast';
  /**
   * With tracing on, the id of the request's trace, for its log lines (set
   * with `spanParent`, the request's span, by http/tracedEndpoint.ts).
   */
  traceId?: string;
}
