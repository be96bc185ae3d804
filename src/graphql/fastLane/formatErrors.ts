/**
 * Errors as Apollo Server formats them for a response: each made a
 * GraphQLError, given `extensions.code` (INTERNAL_SERVER_ERROR when it has
 * none), its `extensions.http` taken off into the response's status and
 * headers, its stack added when stack traces are on, then passed through the
 * gateway's `formatError` (errorMasking.ts).
 *
 * Why a copy of Apollo's rules: the fast lane answers without Apollo and
 * must write the same errors byte for byte; Apollo does not export its
 * normalizer. This is `normalizeAndFormatErrors` and `ensureGraphQLError` of
 * @apollo/server 5 (errorNormalize.ts), and the fast-lane test compares both
 * paths' error responses for every contract operation.
 */
import { HeaderMap } from '@apollo/server';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';

/** The formatting Apollo is configured with (errorMasking.ts). */
export interface ErrorFormatting {
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  includeStacktraceInErrorResponses: boolean;
}

/** What errors add to the response's head: a status, headers. */
export interface HeadFromErrors {
  status: number | undefined;
  headers: HeaderMap;
}

export function formatErrors(errors: readonly unknown[], options: ErrorFormatting): { formattedErrors: GraphQLFormattedError[]; httpFromErrors: HeadFromErrors } {
  const httpFromErrors: HeadFromErrors = { status: undefined, headers: new HeaderMap() };
  const enrich = (maybeError: unknown): GraphQLFormattedError => {
    const graphqlError = ensureGraphQLError(maybeError);
    const extensions: Record<string, unknown> = { ...graphqlError.extensions, code: graphqlError.extensions.code ?? ApolloServerErrorCode.INTERNAL_SERVER_ERROR };
    const http = extensions.http;
    if (isPartialHead(http)) {
      if (http.status) httpFromErrors.status = http.status;
      if (http.headers) for (const [name, value] of http.headers) httpFromErrors.headers.set(name, value);
      delete extensions.http;
    }
    if (options.includeStacktraceInErrorResponses) extensions.stacktrace = graphqlError.stack?.split('\n');
    return { ...graphqlError.toJSON(), extensions };
  };
  const formattedErrors = errors.map((error) => {
    try {
      return options.formatError(enrich(error), error);
    } catch (formattingError) {
      return options.includeStacktraceInErrorResponses ? enrich(formattingError) : { message: 'Internal server error', extensions: { code: ApolloServerErrorCode.INTERNAL_SERVER_ERROR } };
    }
  });
  return { formattedErrors, httpFromErrors };
}

export function ensureGraphQLError(maybeError: unknown): GraphQLError {
  const error = maybeError instanceof Error ? maybeError : new GraphQLError(`Unexpected error value: ${String(maybeError)}`);
  return error instanceof GraphQLError ? error : new GraphQLError(error.message, { originalError: error });
}

function isPartialHead(x: unknown): x is { status?: number; headers?: Map<string, string> } {
  return !!x && typeof x === 'object' && (!('status' in x) || typeof x.status === 'number') && (!('headers' in x) || x.headers instanceof Map);
}
