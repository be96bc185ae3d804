/**
 * Which subscriptions a WebSocket client may run: the same rules as a
 * request over HTTP (trusted documents, the token limit, validation, the
 * operation limits and cost), applied to each Subscribe message before
 * anything executes.
 *
 * A document is named as over HTTP: as `query` (a trusted document's exact
 * text, or any text when TRUSTED_DOCUMENTS allows it), or by id as
 * `documentId` (in the payload or its `extensions`), or by the sha256 of a
 * trusted text as `extensions.persistedQuery.sha256Hash`; `query` is then
 * `""` (graphql-ws requires the field). Over WebSocket the gateway runs
 * subscriptions only, and no persisted query is registered. Each refusal is
 * an `error` message with the catalogue's code, for that subscription only:
 * the connection stays up.
 */
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { getOperationAST, GraphQLError, Kind, parse, validate, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import type { Frontend, OperationLimits, TrustedDocumentsMode } from '../config';
import { ErrorCode } from '../errors/catalogue';
import { admitDocument } from '../graphql/documentAdmission';
import { checkOperationLimits, rejectionOf, tokenLimitExceeded } from '../graphql/operationLimits';
import type { TrustedDocuments } from '../graphql/trustedDocuments';

export interface SubscriptionAdmissionOptions {
  frontend: Frontend;
  schema: GraphQLSchema;
  trusted: TrustedDocuments;
  mode: TrustedDocumentsMode;
  limits: OperationLimits;
  /** Masks "Did you mean …?" in validation errors (production). */
  hideSuggestions: ((errors: readonly GraphQLError[]) => void) | null;
  /** A protection refused the subscription, by the rejections metric's reason. */
  onRejection: (reason: string) => void;
  /** An untrusted document runs (TRUSTED_DOCUMENTS=log). */
  onUntrusted: (characters: number) => void;
}

export interface AdmittedSubscription {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  variables: Record<string, unknown> | undefined;
  /** The root field subscribed to. */
  field: string;
  /** The trusted document's id, when it is one. */
  trustedDocument: string | undefined;
}

export function admitSubscription(options: SubscriptionAdmissionOptions, payload: SubscribePayload): AdmittedSubscription | GraphQLError[] {
  const { frontend, schema, trusted, mode, limits } = options;
  const extensions = payload.extensions ?? {};
  const documentId = stringOr((payload as { documentId?: unknown }).documentId, extensions.documentId);
  const persistedQueryHash = stringOr((extensions.persistedQuery as { sha256Hash?: unknown } | undefined)?.sha256Hash);
  const query = payload.query === '' && (documentId !== undefined || persistedQueryHash !== undefined) ? undefined : payload.query;

  const admitted = admitDocument(frontend, trusted, mode, { query, documentId, persistedQueryHash });
  let document: DocumentNode;
  let trustedDocument: string | undefined;
  if (admitted.kind === 'refused') {
    if (admitted.refusal.status >= 400) options.onRejection('untrusted');
    return [new GraphQLError(admitted.refusal.message, { extensions: { code: admitted.refusal.code, ...admitted.refusal.extensions } })];
  } else if (admitted.kind === 'trusted') {
    document = admitted.text.document;
    trustedDocument = admitted.text.id;
  } else {
    if (query === undefined) {
      return [refusal(ErrorCode.BAD_REQUEST, 'Over WebSocket a subscription sends its document as `query`, or a trusted document\'s id as `documentId`; no persisted query is registered here.')];
    }
    const overTokens = tokenLimitExceeded(query, limits.maxTokens);
    if (overTokens) {
      options.onRejection('tokens');
      return [overTokens];
    }
    try {
      document = parse(query, limits.maxTokens > 0 ? { maxTokens: limits.maxTokens } : {});
    } catch (error) {
      return [error instanceof GraphQLError ? withCode(error, ApolloServerErrorCode.GRAPHQL_PARSE_FAILED) : refusal(ApolloServerErrorCode.GRAPHQL_PARSE_FAILED, 'The document does not parse.')];
    }
    const errors = validate(schema, document);
    if (errors.length > 0) {
      options.hideSuggestions?.(errors);
      return errors.map((e) => withCode(e, ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED));
    }
    if (mode === 'log') options.onUntrusted(query.length);
  }

  const operation = getOperationAST(document, payload.operationName ?? undefined);
  if (!operation) {
    return [refusal(ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE, '`operationName` must name one operation of the document (required when it has several).')];
  }
  if (operation.operation !== 'subscription') {
    return [refusal(ErrorCode.BAD_REQUEST, `Over WebSocket this gateway runs subscriptions only; send a ${operation.operation} over HTTP POST to /graphql/${frontend}.`)];
  }
  const variables = payload.variables ?? undefined;
  const checked = checkOperationLimits(limits, schema, document, operation, variables, trustedDocument !== undefined);
  if (!checked.ok) {
    options.onRejection(rejectionOf(checked.rule));
    return [checked.error];
  }
  return { document, operation, variables, field: rootField(document, operation.selectionSet) ?? 'unknown', trustedDocument };
}

/** The one root field of a subscription (validation allows exactly one), through fragments. */
function rootField(document: DocumentNode, set: SelectionSetNode): string | undefined {
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) return selection.name.value;
    const inner =
      selection.kind === Kind.INLINE_FRAGMENT
        ? selection.selectionSet
        : document.definitions.find((d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === selection.name.value);
    const found = inner && 'selections' in inner ? rootField(document, inner) : inner && 'selectionSet' in inner ? rootField(document, inner.selectionSet) : undefined;
    if (found) return found;
  }
  return undefined;
}

function refusal(code: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, extensions: { ...error.extensions, code } });
}

function stringOr(...values: unknown[]): string | undefined {
  for (const value of values) if (typeof value === 'string') return value;
  return undefined;
}
