/**
 * Adds `extensions.diagnostics` to every response outside production: each
 * downstream call (service, route template, keys, dependency level, start
 * offset, duration, outcome), the cache's answers by tier, the dependency
 * levels and the critical path, and the estimated cost against its limit
 * (diagnostics/report.ts has the shape; README: "Diagnostics and the
 * waterfall panel"). No header is needed: a developer sees it in the
 * playground's Waterfall panel or in any client.
 *
 * Registered only when diagnostics are on (plugins/index.ts), and never in
 * production, where the request's call log does not even exist
 * (context/createContext.ts). The report is of this request alone: a response
 * answered from the response cache reports that hit and no calls, since the
 * cache stores the executed `data` only, never the extensions.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { OperationContext } from '../../context/requestContext';
import { listening } from './listener';
import { diagnosticsReport } from '../../diagnostics/report';

export interface DiagnosticsPluginOptions {
  /** MAX_COST, the limit the report sets the estimated cost against (0: no limit). */
  maxCost: number;
}

export function diagnosticsPlugin(options: DiagnosticsPluginOptions): ApolloServerPlugin<OperationContext> {
  const { maxCost } = options;
  return {
    requestDidStart: () =>
      listening<OperationContext>({
        willSendResponse({ contextValue, response }) {
          const { record, session } = contextValue;
          if (!record.calls || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          const diagnostics = diagnosticsReport(record.calls, {
            lookups: session.lookups,
            redis: { reads: session.stats.redisReads, writes: session.stats.redisWrites, errors: session.stats.redisErrors },
            responseCache: record.responseCache,
            cost: record.cost,
            trusted: record.trustedDocument !== undefined,
            maxCost,
          });
          result.extensions = { ...result.extensions, diagnostics };
        },
      }),
  };
}
