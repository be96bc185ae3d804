/**
 * Answers anonymous, all-public queries from the whole-response cache
 * (cache/responseCache.ts) before they execute, and stores the ones it could
 * not answer once they have.
 *
 * Never cached: signed-in requests (they bypass the cache both ways),
 * mutations, responses with errors, responses built from stale data (served
 * within stale-while-revalidate or stale-if-error: older than their hints
 * promise), anything with a PRIVATE hint.
 */
import { HeaderMap, type ApolloServerPlugin, type GraphQLResponse } from '@apollo/server';
import type { CachedResponse, ResponseCache } from '../../cache/responseCache';
import type { Frontend } from '../../config';
import type { OperationContext } from '../../context/requestContext';
import { documentCachePolicy } from '../documentCachePolicy';
import { then } from '../../resolvers/promiseOrValue';
import { storedResult } from '../storedResult';
import { listening } from './listener';

export interface ResponseCachePluginOptions {
  /** The frontend whose endpoint this is: part of every key. */
  frontend: Frontend;
  /** Where responses are stored (this process, then Redis). */
  responses: ResponseCache;
}

export function responseCachePlugin(options: ResponseCachePluginOptions): ApolloServerPlugin<OperationContext> {
  const { frontend, responses } = options;
  return {
    requestDidStart: () => {
      let key: string | null = null;
      let served = false;
      const answer = (record: OperationContext['record'], cached: CachedResponse | null): GraphQLResponse | null => {
        if (!cached) {
          record.responseCache = 'miss';
          return null;
        }
        served = true;
        record.responseCache = 'hit';
        return {
          http: {
            status: undefined,
            headers: new HeaderMap([
              ['age', String(cached.ageSeconds)],
              ['cache-control', cached.remainingSeconds > 0 ? `max-age=${cached.remainingSeconds}, public` : 'no-store'],
            ]),
          },
          // The stored bytes, written as they are unless a later plugin reads the data (storedResult.ts).
          body: { kind: 'single', singleResult: storedResult(cached.body) },
        };
      };
      return listening<OperationContext>({
        responseForOperation(rc) {
          const { record, viewer, locale } = rc.contextValue;
          if (viewer || rc.operation.operation !== 'query') {
            record.responseCache = 'bypass';
            return null;
          }
          key = responses.key({ frontend, queryHash: rc.queryHash ?? '', operationName: rc.operationName, variables: rc.request.variables, locale });
          return then(responses.lookup(key), (cached) => answer(record, cached));
        },

        willSendResponse(rc) {
          if (served || key === null) return;
          const { body } = rc.response;
          if (body.kind !== 'single' || body.singleResult.errors?.length || !body.singleResult.data) return;
          const policy = rc.operation && rc.document ? documentCachePolicy(rc.schema, rc.document) : null;
          const { session } = rc.contextValue;
          if (!policy || policy.scope === 'PRIVATE' || session.staleIfError.length > 0 || session.stats.stale > 0) return;
          responses.save(key, JSON.stringify(body.singleResult.data), session.dependencies, session.startedAt, policy.maxAge);
        },
      });
    },
  };
}
