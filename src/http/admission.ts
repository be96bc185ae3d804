/**
 * A GraphQL request's admission, before Apollo sees it: which document it
 * runs, under the trusted-documents mode (graphql/documentAdmission.ts), and
 * whether an untrusted one is too long to parse at all.
 *
 * A trusted document is rewritten into the request as the text the registry
 * parsed and validated at start, and the request is marked trusted; a
 * refusal is answered here, at the cost of reading the parameters.
 *
 * Why tokens are counted here too: Apollo's `maxTokens` parse option stops a
 * long document before it builds an AST, but reports it as a bare syntax
 * error. Counting here (only when the text is longer than the token limit in
 * characters, which few real documents are) gives the limit's own code and
 * numbers, and refuses it without creating an Apollo request.
 */
import type { Frontend, TrustedDocumentsMode } from '../config';
import type { RequestRecord } from '../context/requestContext';
import { ErrorCode } from '../errors/catalogue';
import type { Refusal } from '../errors/refusal';
import { admitDocument } from '../graphql/documentAdmission';
import { tokenLimitExceeded } from '../graphql/operationLimits';
import type { TrustedDocuments, TrustedText } from '../graphql/trustedDocuments';
import type { Logger } from '../logging/logger';
import { documentRequest, withDocument, type HttpParams } from './graphqlParams';
import type { Metrics } from './metrics';

export interface AdmissionOptions {
  frontend: Frontend;
  trusted: TrustedDocuments;
  mode: TrustedDocumentsMode;
  /** Tokens an untrusted document may have (0: no bound). */
  maxTokens: number;
  logger: Logger;
  metrics: Metrics;
}

/** The request's parameters to run (with the trusted document it names, if any), or its refusal. */
export type Admit = (method: string, params: HttpParams, record: RequestRecord, requestId: string) => { params: HttpParams; trusted?: TrustedText } | { refusal: Refusal };

export function admission(options: AdmissionOptions): Admit {
  const { frontend, trusted, mode, maxTokens, logger, metrics } = options;
  return (method, params, record, requestId) => {
    const request = documentRequest(params, method);
    if ('status' in request) return { refusal: request };
    const admitted = admitDocument(frontend, trusted, mode, request);
    if (admitted.kind === 'refused') {
      if (admitted.refusal.status >= 400) record.rejection = 'untrusted';
      return { refusal: admitted.refusal };
    }
    if (admitted.kind === 'trusted') {
      record.trustedDocument = admitted.text.id;
      // Most clients send the trusted text itself: nothing to rewrite then.
      const asIs = request.query === admitted.text.text && request.documentId === undefined && request.persistedQueryHash === undefined;
      return { params: asIs ? params : withDocument(params, method, admitted.text.text), trusted: admitted.text };
    }
    const { query } = request;
    const overTokens = query === undefined ? null : tokenLimitExceeded(query, maxTokens);
    if (overTokens) {
      record.rejection = 'tokens';
      const { rule, limit, value } = overTokens.extensions;
      return { refusal: { status: 400, code: ErrorCode.OPERATION_LIMIT_EXCEEDED, message: overTokens.message, extensions: { rule, limit, value } } };
    }
    if (mode === 'log' && (query !== undefined || request.persistedQueryHash !== undefined)) {
      metrics.recordUntrusted(frontend);
      logger.warn({ requestId, traceId: record.traceId, frontend, characters: query?.length, persistedQueryHash: request.persistedQueryHash }, 'untrusted document');
    }
    return { params };
  };
}
