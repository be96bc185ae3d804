/**
 * Builds a request's context where the request begins: who is asking, in
 * which locale, and the request's own data layer (a batch scheduler, a cache
 * session over it, the loaders and commands on top).
 *
 * Why here, once per request: the loaders' memo, the session's pending Redis
 * work and the scheduler's batch windows are a snapshot of one request's
 * world, and must never outlive it or be shared with another user's request.
 */
import type { EntityCache } from '../cache/entityCache';
import { CacheSession } from '../cache/cacheSession';
import { CallLog } from '../diagnostics/callLog';
import type { Frontend } from '../config';
import { BatchScheduler } from '../domain/batchScheduler';
import { createCommands, type Commands } from '../domain/commands';
import { KeyBudget } from '../domain/keyBudget';
import type { LiveFeeds, LivePublisher } from '../domain/live';
import { createLoaders, type Loaders } from '../domain/loaders';
import { localeFromAcceptLanguage } from '../domain/locale';
import type { Viewer } from '../domain/viewer';
import type { Downstream } from '../downstream';
import type { Tracing } from '../telemetry/tracing';
import type { Authenticate } from './auth';
import type { OperationContext, RequestRecord } from './requestContext';

export interface ContextOptions {
  frontend: Frontend;
  authenticate: Authenticate;
  downstream: Downstream;
  cache: EntityCache;
  /** Largest `first` this frontend allows. */
  maxPageSize: number;
  /** Distinct keys one request may send downstream (0: no bound). */
  maxDownstreamKeys: number;
  /** The gateway's tracing, null when off: the session's batch spans. */
  tracing?: Tracing | null;
  /** Record each request's calls for its `extensions.diagnostics` (never in production). Default false. */
  diagnostics?: boolean;
  /**
   * Whether a request's cache session records the entities it read: what a
   * cached response depends on, so only a gateway with a response cache
   * needs them. Default true.
   */
  trackDependencies?: boolean;
  /** Live updates (src/subscriptions): what subscriptions listen to, and whom writes tell. */
  live: LiveFeeds & LivePublisher;
}

/** What a request brings that its context is made from (plain values: the context knows nothing of HTTP). */
export interface RequestIdentity {
  requestId: string;
  authorization: string | undefined;
  acceptLanguage: string | undefined;
  /** Where the request comes from (http/clientAddress.ts): the client of an anonymous request. */
  clientAddress: string;
  record: RequestRecord;
}

export type CreateContext = (request: RequestIdentity) => Promise<OperationContext>;

/** Whose budgets a request spends: its verified user's when signed in, else its address's. */
export function clientKey(viewer: Viewer | null, clientAddress: string): string {
  return viewer ? `user:${viewer.userId}` : `ip:${clientAddress}`;
}

/** Verifies the bearer token (a bad one rejects with UNAUTHENTICATED) and builds the context. */
export function contextFactory(options: ContextOptions): CreateContext {
  const build = contextBuilder(options);
  return async ({ requestId, authorization, acceptLanguage, clientAddress, record }) => {
    const viewer = await options.authenticate(authorization);
    return build({ requestId, viewer, locale: localeFromAcceptLanguage(acceptLanguage), clientAddress, record });
  };
}

/** Who is asking, already known (a subscription's connection verified the token once). */
export interface KnownIdentity {
  requestId: string;
  viewer: Viewer | null;
  locale: string;
  clientAddress: string;
  record: RequestRecord;
}

/**
 * Builds a context for an identity already verified: a fresh data layer
 * (scheduler, cache session, loaders, commands) each time. A subscription
 * builds one per event (src/subscriptions/execution.ts), so no event sees
 * another's memoised reads.
 */
export function contextBuilder(options: ContextOptions): (identity: KnownIdentity) => OperationContext {
  const { tracing = null, diagnostics = false, trackDependencies = true } = options;
  return ({ requestId, viewer, locale, clientAddress, record }) => {
    // With diagnostics off there is no log at all: the scheduler and the session then track no causes.
    const calls = diagnostics ? (record.calls = new CallLog(record.startedAt)) : null;
    const scheduler = new BatchScheduler(calls);
    const session = new CacheSession(options.cache, record, scheduler, tracing, calls);
    session.trackDependencies = trackDependencies;
    return new RequestOperationContext(options, requestId, locale, viewer, session, record, clientKey(viewer, clientAddress), scheduler);
  };
}

/**
 * One request's context. A class, not a literal with getters: a request
 * holds its context until it is answered, and a literal's getters would be
 * two closures (and their scope) made for every request; here they are the
 * prototype's. Loaders and commands are made on first use: a request
 * answered before execution (a response-cache hit, a refusal) never needs
 * them.
 */
class RequestOperationContext implements OperationContext {
  readonly frontend: Frontend;
  readonly live: LiveFeeds & LivePublisher;
  readonly maxPageSize: number;
  private madeLoaders: Loaders | undefined;
  private madeCommands: Commands | undefined;

  constructor(
    private readonly options: ContextOptions,
    readonly requestId: string,
    readonly locale: string,
    readonly viewer: Viewer | null,
    readonly session: CacheSession,
    readonly record: RequestRecord,
    readonly client: string,
    private readonly scheduler: BatchScheduler,
  ) {
    this.frontend = options.frontend;
    this.live = options.live;
    this.maxPageSize = options.maxPageSize;
  }

  get loaders(): Loaders {
    return (this.madeLoaders ??= createLoaders(this.options.downstream, this.session, this.scheduler, new KeyBudget(this.options.maxDownstreamKeys)));
  }

  get commands(): Commands {
    return (this.madeCommands ??= createCommands(this.options.downstream, this.options.cache, this.record, this.options.live));
  }
}
