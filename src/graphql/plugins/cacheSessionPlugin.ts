/**
 * Closes the request's use of the entity cache when its response is ready:
 * sends the request's buffered L2 writes (one pipeline, not awaited by the
 * response), sets `Cache-Control` from the document's hints for HTTP caches
 * (a CDN in front of GET), and reports the cache's work in `extensions`:
 * stale-if-error always (the client is being shown old data), the hit counts
 * only when `exposeStats` is on.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { OperationContext } from '../../context/requestContext';
import { listening } from './listener';
import { documentCachePolicy } from '../documentCachePolicy';

export interface CacheSessionPluginOptions {
  /** Show hit counts by tier and Redis round trips in `extensions.cache`. Default: off in production. */
  exposeStats: boolean;
}

export function cacheSessionPlugin(options: CacheSessionPluginOptions): ApolloServerPlugin<OperationContext> {
  return {
    requestDidStart: () =>
      listening<OperationContext>({
        willSendResponse({ contextValue, response, operation, document, schema }) {
          const { session, record } = contextValue;
          session.flush();
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (!response.http.headers.has('cache-control')) {
            const policy = operation && document ? documentCachePolicy(schema, document) : null;
            response.http.headers.set(
              'cache-control',
              policy && !result.errors ? `max-age=${policy.maxAge}, ${policy.scope.toLowerCase()}` : 'no-store',
            );
          }
          if (session.staleIfError.length > 0) result.extensions = { ...result.extensions, staleIfError: session.staleIfError };
          if (options.exposeStats) {
            result.extensions = { ...result.extensions, cache: { ...session.stats, response: record.responseCache ?? 'bypass' } };
          }
        },
      }),
  };
}
