/**
 * The gateway's Apollo plugins, in the one order they run.
 *
 * Apollo calls each hook of every plugin in this array's order, and a plugin
 * that reads what another one writes must come after it:
 *
 * 1. Apollo's landing page, cache-control and inline-trace plugins, turned
 *    off: the gateway serves its own playground (http/playground), computes
 *    a document's cache policy once per document (documentCachePolicy.ts)
 *    instead of with a hook on every resolved field, and is no federation
 *    subgraph (the inline-trace plugin Apollo adds by default is inert on any
 *    other schema, but its async `requestDidStart` still cost every request
 *    a promise and a `Promise.all`; this array is the fast lane's too).
 * 2. `tracingPlugin` (only when tracing is on) comes first of the gateway's
 *    own: Apollo runs the end hooks of a phase in reverse order, so its
 *    parse/validate/execute spans enclose every other plugin's work in that
 *    phase, and it names the request's span at `didResolveOperation` before
 *    any later plugin can refuse the operation (limits, budgets), so even a
 *    refused request's trace says which operation it was.
 * 3. `fieldSuggestionsPlugin` (production) rewrites validation errors before
 *    Apollo builds its response from them.
 * 4. `operationRecordPlugin` names the operation in the request's record as
 *    soon as it is resolved, before any later plugin can answer or fail the
 *    request, so every log line says what ran.
 * 5. `operationLimitsPlugin` refuses a document over its limits, and records
 *    the operation's estimated cost, before anything that acts on the
 *    operation: the budgets that charge that cost, the response cache, and
 *    execution (Apollo registers an APQ document only after these hooks). It
 *    sets `record.cost` only for an operation it lets through, and before its
 *    first await: Apollo starts every `didResolveOperation` at once, in this
 *    order, so the next plugin reads it already set.
 * 6. `rateLimitPlugin` charges the request to its client's budgets at
 *    `didResolveOperation` (one request, and the cost the limits recorded:
 *    none for a refused operation) and refuses it (429) over any of them,
 *    before the response cache can answer it and before Apollo stores a
 *    persisted-query registration.
 * 7. `responseCachePlugin` is the only plugin that answers before execution
 *    (`responseForOperation`). On the way out it stores the result as
 *    executed, before the session plugin adds this request's own extensions
 *    (cache counts, stale-if-error notices), which are never replayed to
 *    another client.
 * 8. `cacheSessionPlugin` flushes the request's L2 writes once every plugin
 *    that reads the session has run, sets `Cache-Control` unless a plugin
 *    before it (a response-cache hit) did, and decorates the response with
 *    the cache's extensions.
 * 9. `diagnosticsPlugin` (outside production only) comes last on the way
 *    out: it reports what every plugin before it recorded (the cost the
 *    limits estimated, the response cache's answer, the session's lookups
 *    and its write pipeline, just flushed), and adds `extensions.diagnostics`
 *    after the response cache has stored the result, so no stored response
 *    ever carries another request's diagnostics.
 *
 * Error masking is Apollo's `formatError`, not a plugin (errorMasking.ts
 * says why).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { ResponseCache } from '../../cache/responseCache';
import type { Frontend, OperationLimits } from '../../config';
import type { OperationContext } from '../../context/requestContext';
import { cacheSessionPlugin } from './cacheSessionPlugin';
import { diagnosticsPlugin } from './diagnosticsPlugin';
import { fieldSuggestionsPlugin } from './fieldSuggestionsPlugin';
import { operationLimitsPlugin } from './operationLimitsPlugin';
import { operationRecordPlugin } from './operationRecordPlugin';
import { rateLimitPlugin, type RateLimitPluginOptions } from './rateLimitPlugin';
import { responseCachePlugin } from './responseCachePlugin';
import { tracingPlugin } from './tracingPlugin';
import type { Tracing } from '../../telemetry/tracing';

export interface GatewayPluginsOptions {
  frontend: Frontend;
  /** Whole responses; null when the response cache is off. */
  responses: ResponseCache | null;
  /** Cache counts in `extensions.cache` (outside production). */
  exposeCacheStats: boolean;
  /** No "Did you mean …?" in validation errors (production). */
  hideFieldSuggestions: boolean;
  limits: OperationLimits;
  /** The clients' budgets (a no-op limiter when every budget is off). */
  rateLimits: RateLimitPluginOptions;
  /** The gateway's tracing; null when off (then no tracing hook is registered at all). */
  tracing?: Tracing | null;
  /** `extensions.diagnostics` on every response (never in production; then no hook is registered at all). */
  diagnostics: boolean;
}

export function gatewayPlugins(options: GatewayPluginsOptions): ApolloServerPlugin<OperationContext>[] {
  return [
    ApolloServerPluginLandingPageDisabled(),
    ApolloServerPluginCacheControlDisabled(),
    ApolloServerPluginInlineTraceDisabled(),
    ...(options.tracing ? [tracingPlugin({ tracing: options.tracing })] : []),
    ...(options.hideFieldSuggestions ? [fieldSuggestionsPlugin()] : []),
    operationRecordPlugin(),
    operationLimitsPlugin({ limits: options.limits }),
    rateLimitPlugin(options.rateLimits),
    ...(options.responses ? [responseCachePlugin({ frontend: options.frontend, responses: options.responses })] : []),
    cacheSessionPlugin({ exposeStats: options.exposeCacheStats }),
    ...(options.diagnostics ? [diagnosticsPlugin({ maxCost: options.limits.maxCost })] : []),
  ];
}
