/**
 * The whole-response cache: for anonymous queries whose every field is
 * public, the finished result, keyed by frontend, operation (hash and name),
 * variables and locale, for the max-age the schema's `@cacheControl` hints
 * allow (see cachePolicy.ts; the same policy sets the `Cache-Control` header,
 * so a CDN can cache GET responses the same way).
 *
 * Never cached: signed-in requests (they bypass the cache both ways),
 * mutations, responses with errors or with stale-if-error data, anything with
 * a PRIVATE hint.
 *
 * Why it can still honour invalidation: a stored response lists the entities
 * it was built from (the request's cache session knows them). Before serving
 * it, the plugin asks the invalidation log (fed by every instance's evictions
 * over pub/sub) whether any of them was evicted since the response was
 * stored; if so, it is a miss. That costs no extra round trip.
 */
import { createHash } from 'node:crypto';
import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import type { Frontend } from '../config';
import type { RequestContext } from '../context/requestContext';
import type { InvalidationLog } from './invalidationLog';
import type { TieredKeyValueStore } from './keyValueStore';

interface StoredResponse {
  data: Record<string, unknown>;
  dependencies: string[];
  storedAt: number;
  maxAge: number;
}

/** A stored response, or null for a miss (absent, or unreadable: never an error). */
function parse(text: string | undefined): StoredResponse | null {
  if (text === undefined) return null;
  try {
    const stored = JSON.parse(text) as StoredResponse;
    return stored && Array.isArray(stored.dependencies) && typeof stored.storedAt === 'number' ? stored : null;
  } catch {
    return null;
  }
}

export function responseCachePlugin(
  frontend: Frontend,
  store: TieredKeyValueStore,
  log: InvalidationLog,
  now: () => number,
): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      let key: string | null = null;
      let served = false;
      return {
        async responseForOperation(rc) {
          const ctx = rc.contextValue;
          if (ctx.viewer || rc.operation.operation !== 'query') {
            ctx.trace.responseCache = 'bypass';
            return null;
          }
          key = createHash('sha256')
            .update(JSON.stringify([frontend, rc.queryHash, rc.operationName, rc.request.variables ?? {}, ctx.locale]))
            .digest('base64url');
          const stored = parse(await store.get(key));
          const age = stored ? (now() - stored.storedAt) / 1000 : 0;
          if (!stored || age >= stored.maxAge || stored.dependencies.some((d) => log.mayBeInvalidatedSince(d, stored.storedAt))) {
            ctx.trace.responseCache = 'miss';
            return null;
          }
          served = true;
          ctx.trace.responseCache = 'hit';
          const remaining = Math.max(0, Math.floor(stored.maxAge - age));
          return {
            http: {
              status: undefined,
              headers: new HeaderMap([
                ['age', String(Math.floor(age))],
                ['cache-control', remaining > 0 ? `max-age=${remaining}, public` : 'no-store'],
              ]),
            },
            body: { kind: 'single', singleResult: { data: stored.data } },
          };
        },

        async willSendResponse(rc) {
          if (served || key === null) return;
          const { body } = rc.response;
          if (body.kind !== 'single' || body.singleResult.errors?.length || !body.singleResult.data) return;
          const policy = rc.contextValue.trace.cachePolicy;
          const session = rc.contextValue.cache;
          // Data served stale is older than its hints promise: such a response is not kept.
          if (!policy || policy.scope === 'PRIVATE' || session.staleIfError.length > 0 || session.stats.stale > 0) return;
          const stored: StoredResponse = {
            data: body.singleResult.data,
            dependencies: [...session.dependencies],
            storedAt: session.startedAt,
            maxAge: policy.maxAge,
          };
          void store.set(key, JSON.stringify(stored), { ttl: policy.maxAge });
        },
      };
    },
  };
}
