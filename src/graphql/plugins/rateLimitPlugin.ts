/**
 * Charges each request that reaches execution to its client's budgets
 * (rateLimit/limiter.ts), once, as soon as its operation is resolved: one
 * request, its estimated cost (`record.cost`, set by the cost estimator
 * before this plugin; 0 until there is one), and one registration when it
 * registers a persisted query. Over any budget, it throws a 429
 * RATE_LIMITED (rateLimitResponses.ts) before anything runs; admitted, a POST
 * response carries the RateLimit headers (a GET response may be cached by a
 * CDN and shown to other clients, so it carries none).
 *
 * Why `didResolveOperation`: it is the first hook that knows the operation
 * (and so its cost), and Apollo stores a persisted-query registration only
 * after every plugin's `didResolveOperation` has returned
 * (requestPipeline.js): a throw here refuses the registration and stores
 * nothing. Registrations are also refused here when their text is over
 * `apqMaxBytes` (a 400, charged as one request costing nothing).
 *
 * Apollo calls every plugin's `didResolveOperation` at once (Promise.all, in
 * declaration order), so `record.cost` is read before this hook's first
 * await: the estimator must set it before its own first await.
 *
 * Requests that never get this far (a body that is not JSON, a document that
 * does not validate, a bad token) are charged one request, costing nothing,
 * by the endpoint when it finishes them (`record.rateLimitCharged` says which).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { OperationContext } from '../../context/requestContext';
import type { RateLimiter } from '../../rateLimit/limiter';
import { then } from '../../resolvers/promiseOrValue';
import { listening, refuse } from './listener';
import { persistedQueryTooLarge, rateLimited, rateLimitHeaders } from '../rateLimitResponses';

export interface RateLimitPluginOptions {
  limiter: RateLimiter;
  /** Largest query text (UTF-8 bytes) a persisted-query registration may store; 0 = no cap. Default 16384 (APQ_MAX_BYTES). */
  apqMaxBytes: number;
}

export function rateLimitPlugin(options: RateLimitPluginOptions): ApolloServerPlugin<OperationContext> {
  const { limiter, apqMaxBytes } = options;
  return {
    requestDidStart: () =>
      listening<OperationContext>({
        didResolveOperation(rc) {
          try {
            const { record, client } = rc.contextValue;
            const cost = record.cost ?? 0;
            record.rateLimitCharged = true;
            const registers = rc.metrics.persistedQueryRegister === true;
            const bytes = registers ? Buffer.byteLength(rc.source) : 0;
            if (apqMaxBytes > 0 && bytes > apqMaxBytes) {
              return then(limiter.consume(client, { requests: 1, cost: 0 }), () => refuse(persistedQueryTooLarge(bytes, apqMaxBytes)));
            }
            return then(limiter.consume(client, { requests: 1, cost, registrations: registers ? 1 : 0 }), (decision) => {
              if (!decision) return undefined;
              if (!decision.allowed) {
                record.rejection = `rate_${decision.verdicts.find((v) => !v.fits)?.budget.name ?? 'requests'}`;
                return refuse(rateLimited(decision));
              }
              if (rc.request.http?.method === 'GET') return undefined;
              for (const [name, value] of rateLimitHeaders(decision)) rc.response.http.headers.set(name, value);
              return undefined;
            });
          } catch (error) {
            return refuse(error);
          }
        },
      }),
  };
}
