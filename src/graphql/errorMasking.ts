/**
 * What a client may see of an error: the catalogue's codes and GraphQL's own
 * request errors as they are; everything else, in production, masked as a
 * bare INTERNAL_SERVER_ERROR (logged with its stack), so no internals reach a
 * client.
 *
 * Why Apollo's `formatError` rather than a request plugin: it is the one
 * place every error passes, including those raised before a request's
 * pipeline starts (a context that failed to build, a request Apollo refuses
 * at the HTTP level), which no plugin hook can rewrite.
 */
import type { ApolloServerOptions } from '@apollo/server';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { ErrorCode } from '../errors/catalogue';
import type { Logger } from '../logging/logger';

export interface ErrorMaskingOptions {
  /** Mask unexpected errors and send no stack traces. Default: on in production. */
  production: boolean;
  /** Where unexpected errors are logged, with their stack. */
  logger: Logger;
}

/** Codes a client may see as they are; anything else is unexpected. */
const PUBLIC_CODES = new Set<string>([
  ...Object.values(ErrorCode).filter((c) => c !== ErrorCode.INTERNAL_SERVER_ERROR),
  ...Object.values(ApolloServerErrorCode).filter((c) => c !== ApolloServerErrorCode.INTERNAL_SERVER_ERROR),
]);

/** The Apollo options that implement masking: spread them into the server's options. */
export function errorMasking(options: ErrorMaskingOptions): Required<Pick<ApolloServerOptions<never>, 'formatError' | 'includeStacktraceInErrorResponses'>> {
  const { production, logger } = options;
  return {
    includeStacktraceInErrorResponses: !production,
    formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
      const code = formatted.extensions?.code;
      if (typeof code === 'string' && PUBLIC_CODES.has(code)) return formatted;
      logger.error({ err: error, path: formatted.path }, 'unexpected error in a resolver');
      if (!production) return formatted;
      return {
        message: 'Internal server error.',
        ...(formatted.path ? { path: formatted.path } : {}),
        ...(formatted.locations ? { locations: formatted.locations } : {}),
        extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
      };
    },
  };
}
