/**
 * One frontend's GraphQL pipeline: Apollo Server over that frontend's
 * schema, with graphql-jit as its executor (compiledExecutor.ts) and the
 * gateway's concerns as plugins in the order plugins/index.ts declares; and
 * beside it the fast lane (fastLane/), which runs the frontend's trusted
 * documents through the same plugins and the same executor without Apollo's
 * per-request work.
 *
 * Apollo parses, validates, resolves persisted queries and negotiates the
 * response's media type for everything else; the HTTP side (reading the
 * body, writing the response, the log line) is the endpoint's
 * (http/graphqlEndpoint.ts).
 */
import { ApolloServer } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import type { TieredKeyValueStore } from '../cache/keyValueStore';
import type { ResponseCache } from '../cache/responseCache';
import type { Frontend, OperationLimits, ResourceLimits } from '../config';
import type { OperationContext } from '../context/requestContext';
import type { Logger } from '../logging/logger';
import { compiledOperations } from './compiledExecutor';
import { DocumentStore } from './documentStore';
import { errorMasking } from './errorMasking';
import { createFastLane, type FastLane } from './fastLane';
import { gatewayPlugins } from './plugins';
import type { RateLimitPluginOptions } from './plugins/rateLimitPlugin';
import type { TrustedDocuments } from './trustedDocuments';
import type { Tracing } from '../telemetry/tracing';

export interface PipelineOptions {
  frontend: Frontend;
  schema: GraphQLSchema;
  /** Masks unexpected errors, hides cache counts. */
  production: boolean;
  introspection: boolean;
  logger: Logger;
  /** Persisted queries (APQ), shared by every instance through Redis. */
  persistedQueries: TieredKeyValueStore;
  /** Whole responses; null when the response cache is off. */
  responses: ResponseCache | null;
  /** The frontend's trusted documents: parsed, validated and compiled at start. */
  trusted: TrustedDocuments;
  limits: OperationLimits;
  resources: ResourceLimits;
  /** The clients' budgets and the cap on persisted-query registrations. */
  rateLimits: RateLimitPluginOptions;
  /** The gateway's tracing; null when off. */
  tracing?: Tracing | null;
  /** Run trusted documents in the fast lane (FAST_LANE; default on). */
  fastLane: boolean;
  /** `extensions.diagnostics` on every response; ignored in production. Default false. */
  diagnostics?: boolean;
}

export interface Pipeline {
  apollo: ApolloServer<OperationContext>;
  /** Null when FAST_LANE is off: every request goes to Apollo. */
  fastLane: FastLane | null;
}

/** Builds and starts the pipeline; `stop()` its Apollo server when the gateway closes. */
export async function createPipeline(options: PipelineOptions): Promise<Pipeline> {
  const operations = compiledOperations(options.schema, {
    compiledDocuments: options.resources.compiledDocuments,
    maxCompiledFields: options.resources.maxCompiledFields,
    pinned: [...options.trusted.texts()].map((t) => t.document),
  });
  const plugins = gatewayPlugins({
    frontend: options.frontend,
    responses: options.responses,
    exposeCacheStats: !options.production,
    hideFieldSuggestions: options.production,
    limits: options.limits,
    rateLimits: options.rateLimits,
    tracing: options.tracing ?? null,
    diagnostics: options.diagnostics === true && !options.production,
  });
  const errors = errorMasking({ production: options.production, logger: options.logger });
  const apollo = new ApolloServer<OperationContext>({
    // Execution by graphql-jit; Apollo keeps everything else.
    gateway: operations.gateway(),
    documentStore: new DocumentStore(options.trusted),
    // A document of more tokens is refused while it is parsed, before an AST exists
    // (the endpoint refuses most such documents before Apollo: http/admission.ts).
    ...(options.limits.maxTokens > 0 ? { parseOptions: { maxTokens: options.limits.maxTokens } } : {}),
    introspection: options.introspection,
    // The gateway owns the process's signals and stops Apollo once, in its own shutdown (gateway.ts).
    stopOnTerminationSignals: false,
    // Apollo's CSRF prevention stays on: a browser cannot send a "simple"
    // cross-site request that runs an operation (see README, GraphQL over HTTP).
    csrfPrevention: true,
    persistedQueries: { cache: options.persistedQueries, ttl: 24 * 3600 },
    // Compact JSON: Apollo pretty-prints by default, which costs CPU and bytes on every response.
    stringifyResult: (value) => JSON.stringify(value),
    plugins,
    ...errors,
  });
  await apollo.start();
  const fastLane = options.fastLane ? createFastLane({ schema: options.schema, trusted: options.trusted, plugins, operations, errors, logger: options.logger }) : null;
  return { apollo, fastLane };
}
