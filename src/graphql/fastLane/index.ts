/**
 * The fast lane: a request for a trusted document runs without Apollo
 * Server's per-request machinery, with the same output byte for byte.
 *
 * Why: everything Apollo does per request before execution (reading the
 * GraphQL request out of the HTTP one, hashing the document's text, looking
 * it up, building and cloning request-context objects, negotiating the media
 * type) is, for a document known at start, either already done or the same
 * answer every time. The fast lane prepares it once per trusted document:
 * its parsed and validated document and operation, its query hash, its
 * compiled query (compiledExecutor.ts, shared with Apollo's executor hook),
 * its compiled result serializer (resultSerializer.ts), its cache policy and
 * cost (memoized by documentCachePolicy.ts and operationCost.ts). A request
 * then goes straight to the gateway's plugins, run through Apollo's own
 * lifecycle (requestLifecycle.ts): identity, limits, budgets, the response
 * cache, cache headers, extensions, metrics and traces behave as they do
 * behind Apollo, because they are the same plugins.
 *
 * Which requests take it: a POST or GET naming a trusted document (the
 * endpoint's admission resolved it: by id, by APQ hash or by its exact text)
 * and one of its operations (only a query by GET), with parameters Apollo
 * would take as they are (postParams, getParams), and an Accept header Apollo
 * would answer with JSON. Every other request (batches, anything untrusted
 * or malformed, anything Apollo would refuse before running it) goes to
 * Apollo, which answers it as before; `run` says so by returning null,
 * before anything of the request has been done.
 *
 * A response-cache hit is written from the stored bytes: the response cache
 * plugin answers with a result whose data is kept as JSON text
 * (storedResult.ts), which is copied into the body without a parse or a
 * re-serialization.
 */
import { HeaderMap, type ApolloServerPlugin, type HTTPGraphQLRequest, type HTTPGraphQLResponse } from '@apollo/server';
import type { DocumentNode, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import type { IncomingHttpHeaders } from 'node:http';
import type { OperationContext } from '../../context/requestContext';
import type { Logger } from '../../logging/logger';
import type { CompiledOperations } from '../compiledExecutor';
import { headerMapOf } from '../httpHeaders';
import { compileDataSerializer, type DataSerializer } from '../resultSerializer';
import { resultBody } from '../storedResult';
import type { TrustedDocuments, TrustedText } from '../trustedDocuments';
import type { ErrorFormatting } from './formatErrors';
import { singleResultMediaType } from './mediaType';
import { runLifecycle, type LaneRequestContext } from './requestLifecycle';

export interface FastLaneOptions {
  schema: GraphQLSchema;
  trusted: TrustedDocuments;
  /** The gateway's plugins, exactly as Apollo runs them (plugins/index.ts). */
  plugins: readonly ApolloServerPlugin<OperationContext>[];
  /** The executor Apollo uses too. */
  operations: CompiledOperations;
  /** Apollo's error formatting (errorMasking.ts). */
  errors: ErrorFormatting;
  /** What the plugins see as `rc.logger`. */
  logger: Logger;
}

/** A request the endpoint has admitted as a trusted document. */
export interface FastLaneRequest {
  method: string;
  headers: IncomingHttpHeaders;
  search: string;
  /** The parsed JSON body (POST). */
  body: unknown;
  trusted: TrustedText;
  /** Builds the request's context (verifies identity); Apollo calls the same factory. */
  context: () => Promise<OperationContext>;
  /**
   * The request run by Apollo instead: for a context that cannot be built (a bad token), whose
   * response Apollo shapes (its context-creation failure hooks and message); the factory fails
   * the same way again there, having done nothing.
   */
  viaApollo: () => Promise<HTTPGraphQLResponse>;
}

/** Apollo's complete body, with the same text as UTF-8 bytes when the fast lane made it. */
export type CompleteBody = { kind: 'complete'; string: string; bytes?: Buffer };

export interface FastLane {
  /** The response, or null when the request is not for the fast lane (nothing of it has been done then). */
  run(request: FastLaneRequest): Promise<HTTPGraphQLResponse> | null;
}

/** The GraphQL request's parameters, as Apollo reads them out of the HTTP request. */
interface LaneParams {
  query: unknown;
  operationName: string | undefined;
  variables: Record<string, unknown> | undefined;
  extensions: Record<string, unknown> | undefined;
}

/** One operation of a trusted text, prepared at start. */
interface PreparedOperation {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  operationName: string | null;
  queryHash: string;
  source: string;
  serializer: DataSerializer | null;
}

export function createFastLane(options: FastLaneOptions): FastLane {
  const { schema, plugins, operations, errors, logger } = options;
  const prepared = prepare(schema, options.trusted);

  function run(request: FastLaneRequest): Promise<HTTPGraphQLResponse> | null {
    const params = request.method === 'POST' ? postParams(request) : request.method === 'GET' ? getParams(request) : null;
    if (!params || params.query !== request.trusted.text) return null;
    const byName = prepared.get(request.trusted);
    const operation = byName && pick(byName, params.operationName);
    if (!operation) return null; // no such operation: Apollo answers it
    if (request.method === 'GET' && operation.operation.operation !== 'query') return null; // Apollo's 405
    const mediaType = singleResultMediaType(request.headers.accept);
    if (mediaType === null) return null;
    return answer(request, operation, params, mediaType);
  }

  async function answer(
    request: FastLaneRequest,
    prepared: PreparedOperation,
    params: LaneParams,
    mediaType: string,
  ): Promise<HTTPGraphQLResponse> {
    let contextValue: OperationContext;
    try {
      contextValue = await request.context();
    } catch {
      return request.viaApollo();
    }
    contextValue.record.lane = 'fast';
    const http = lazyHttpRequest(request);
    const rc = {
      logger,
      schema,
      request: { query: prepared.source, operationName: params.operationName, variables: params.variables, extensions: params.extensions, http },
      response: { http: { status: undefined, headers: new HeaderMap() } },
      contextValue,
      metrics: { persistedQueryHit: false, persistedQueryRegister: false },
      overallCachePolicy: undefined,
      requestIsBatched: false,
      queryHash: prepared.queryHash,
      source: prepared.source,
      document: prepared.document,
      operation: prepared.operation,
      operationName: prepared.operationName,
    } as unknown as LaneRequestContext;
    const response = await runLifecycle(
      plugins,
      rc,
      () => operations.execute(prepared.document, prepared.operation, prepared.operationName, params.variables, contextValue),
      errors,
    );
    const { headers } = response.http;
    if (!headers.get('content-type')) headers.set('content-type', mediaType);
    const result = response.body.kind === 'single' ? response.body.singleResult : null;
    if (!result) throw new Error('the fast lane produced an incremental result');
    return { status: response.http.status, headers, body: completeBody(resultBody(result, prepared.serializer)) };
  }

  return { run };
}

/**
 * A POST's parameters where Apollo would take them as they are: a JSON
 * body (which passes Apollo's CSRF check) that is a non-empty object, with
 * `variables`, `operationName` and `extensions` of the shapes it accepts and
 * no persisted-query extension; else null.
 */
function postParams(request: FastLaneRequest): LaneParams | null {
  const { body } = request;
  if (!isJsonContent(request.headers['content-type']) || !isRecord(body) || Object.keys(body).length === 0) return null;
  const { query, operationName, variables, extensions } = body;
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return null;
  if (variables !== undefined && variables !== null && !isRecord(variables)) return null;
  if (extensions !== undefined && extensions !== null && (!isRecord(extensions) || 'persistedQuery' in extensions)) return null;
  return { query, operationName: operationName ?? undefined, variables: variables ?? undefined, extensions: extensions ?? undefined };
}

/**
 * A GET's parameters where Apollo would take them as they are: each given
 * at most once, `variables` and `extensions` JSON objects, no persisted
 * query, no content type other than JSON, and through Apollo's CSRF check
 * (a JSON content type, or a non-empty `apollo-require-preflight` or
 * `x-apollo-operation-name` header); else null.
 */
function getParams(request: FastLaneRequest): LaneParams | null {
  const { headers } = request;
  const contentType = headers['content-type'];
  if (contentType !== undefined && !isJsonContent(contentType)) return null;
  if (contentType === undefined && !headers['apollo-require-preflight'] && !headers['x-apollo-operation-name']) return null;
  const search = new URLSearchParams(request.search);
  const once = (name: string): string | undefined | null => {
    const values = search.getAll(name);
    return values.length === 0 ? undefined : values.length === 1 ? (values[0] as string) : null;
  };
  const json = (name: string): Record<string, unknown> | undefined | null => {
    const text = once(name);
    if (text === undefined || text === null) return text;
    try {
      const value: unknown = JSON.parse(text);
      return isRecord(value) ? value : null;
    } catch {
      return null;
    }
  };
  const query = once('query');
  const operationName = once('operationName');
  const variables = json('variables');
  const extensions = json('extensions');
  if (query === null || operationName === null || variables === null || extensions === null || (extensions && 'persistedQuery' in extensions)) return null;
  return { query, operationName, variables, extensions };
}

/** Every operation of every trusted text, by text, then by name ('' for an unnamed one). */
function prepare(schema: GraphQLSchema, trusted: TrustedDocuments): Map<TrustedText, Map<string, PreparedOperation>> {
  const all = new Map<TrustedText, Map<string, PreparedOperation>>();
  for (const text of trusted.texts()) {
    const byName = new Map<string, PreparedOperation>();
    for (const operation of text.operations) {
      const operationName = operation.name?.value ?? null;
      byName.set(operationName ?? '', {
        document: text.document,
        operation,
        operationName,
        queryHash: text.textHash,
        source: text.text,
        serializer: compileDataSerializer(schema, text.document, operation),
      });
    }
    all.set(text, byName);
  }
  return all;
}

/** graphql-js's getOperationAST: the named operation, or the only one when no name is given. */
function pick(byName: Map<string, PreparedOperation>, operationName: string | undefined): PreparedOperation | undefined {
  if (operationName !== undefined) return byName.get(operationName);
  if (byName.size !== 1) return undefined;
  return byName.values().next().value;
}

/**
 * The HTTP request as Apollo hands it to plugins, with its HeaderMap built
 * only if a plugin reads it (none of the gateway's does on this path).
 */
function lazyHttpRequest(request: FastLaneRequest): HTTPGraphQLRequest {
  let headers: HeaderMap | undefined;
  return {
    method: request.method,
    search: request.search,
    body: request.body,
    get headers() {
      return (headers ??= headerMapOf(request.headers));
    },
  };
}

/** A complete body given as bytes (written as they are, http/graphqlResponse.ts), its text made only if read. */
function completeBody(bytes: Buffer): CompleteBody {
  let text: string | undefined;
  return {
    kind: 'complete',
    bytes,
    get string() {
      return (text ??= bytes.toString('utf8'));
    },
  };
}

/** Apollo's "string record": an object, not an array. */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

/** `application/json`, with or without parameters: what Apollo's CSRF check lets through for a POST (any non-simple type would). */
function isJsonContent(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const semicolon = contentType.indexOf(';');
  return (semicolon < 0 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase() === 'application/json';
}
