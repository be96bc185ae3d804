/**
 * Which document a request runs, decided before Apollo sees it
 * (TRUSTED_DOCUMENTS, see config.ts):
 *
 * - `enforce` (the production default): only this frontend's trusted
 *   documents run; anything else is refused with a 4xx and a stable code, and
 *   no persisted query can be registered (an unknown APQ hash is not looked
 *   up in Redis).
 * - `log`: anything runs; an untrusted document is logged and counted.
 * - `off` (the development default): anything runs.
 *
 * In every mode a trusted document, however it was named (id, APQ hash, full
 * text), runs as the text the registry parsed and validated at start: its
 * request is rewritten to that text without the APQ extension, so Apollo
 * finds the document in its store (no parse, no validation, no registration)
 * and the request is marked trusted for the operation limits.
 */
import { ApolloServerErrorCode } from '@apollo/server/errors';
import type { TrustedDocumentsMode } from '../config';
import { ErrorCode } from '../errors/catalogue';
import type { Refusal } from '../errors/refusal';
import type { TrustedDocuments, TrustedText } from './trustedDocuments';

/** What a request names its document by. */
export interface DocumentRequest {
  query: string | undefined;
  documentId: string | undefined;
  /** `extensions.persistedQuery.sha256Hash`, when the request uses APQ. */
  persistedQueryHash: string | undefined;
}


export type Admission =
  | { kind: 'trusted'; text: TrustedText }
  | { kind: 'untrusted' }
  | { kind: 'refused'; refusal: Refusal };

const UNTRUSTED: Admission = { kind: 'untrusted' };

export function admitDocument(frontend: string, registry: TrustedDocuments, mode: TrustedDocumentsMode, request: DocumentRequest): Admission {
  const { query, documentId, persistedQueryHash } = request;
  if (documentId !== undefined) {
    if (query !== undefined) {
      return refused(400, ErrorCode.BAD_REQUEST, 'A request names its document by `documentId` or sends it as `query`, not both.');
    }
    const text = registry.byId(documentId);
    if (text) return { kind: 'trusted', text };
    return refused(
      400,
      ErrorCode.PERSISTED_DOCUMENT_NOT_FOUND,
      `\`documentId\` must name a trusted document of the ${frontend} app (sha256:<64 hex digits>); no document has the id ${clip(documentId)}.`,
    );
  }
  if (query !== undefined) {
    const text = registry.byText(query);
    if (text) return { kind: 'trusted', text };
    if (mode === 'enforce') {
      return refused(
        400,
        ErrorCode.DOCUMENT_NOT_TRUSTED,
        `This gateway runs only the ${frontend} app's trusted documents; the document sent (${query.length} characters) is not one of them. Send a trusted document's id as \`documentId\`, or its exact text.`,
      );
    }
    return UNTRUSTED;
  }
  if (persistedQueryHash !== undefined) {
    const text = registry.byTextHash(persistedQueryHash);
    if (text) return { kind: 'trusted', text };
    // As Apollo answers an unknown hash, so that an APQ client sends the full text next.
    if (mode === 'enforce') {
      return refused(200, ApolloServerErrorCode.PERSISTED_QUERY_NOT_FOUND, 'PersistedQueryNotFound', {
        'cache-control': 'private, no-cache, must-revalidate',
      });
    }
  }
  return UNTRUSTED;
}

function refused(status: number, code: string, message: string, headers?: Record<string, string>): Admission {
  return { kind: 'refused', refusal: { status, code, message, ...(headers ? { headers } : {}) } };
}

function clip(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}
