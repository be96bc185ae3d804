/**
 * An urql client for one frontend's endpoint that sends every generated
 * document by its trusted-document id, never as text.
 *
 * Hand-written, beside what `npm run codegen` generates (clients/web/,
 * clients/mobile/), and the same for every frontend; it needs `@urql/core` 6.
 *
 * Why an exchange: each document of a generated client carries its manifest id
 * in `__meta__.hash` (the sha256 of its normalized print, its key in
 * `persisted-documents.json`). urql's fetchExchange sends `documentId` instead
 * of `query` for a document that has a `documentId` and no definitions (a
 * persisted document, as GraphQL over HTTP names it). The swap happens in
 * `trustedDocumentsExchange`, just before fetchExchange, and not where the
 * app calls `client.query`: urql's Client checks an operation's kind against
 * its document's definitions, and its cacheExchange reads them; both still
 * see the full document.
 *
 * A document without an id (written by hand, not generated yet) goes as text:
 * a development gateway (TRUSTED_DOCUMENTS=off) runs it, an enforcing one
 * refuses it with DOCUMENT_NOT_TRUSTED.
 */
import { cacheExchange, Client, fetchExchange, makeOperation, mapExchange, type Exchange, type PersistedDocument } from '@urql/core';

export interface GatewayClientOptions {
  /** The gateway's base URL, e.g. `https://bff.example.com`. */
  gatewayUrl: string;
  /** Whose schema the documents are written against: the endpoint is `/graphql/<frontend>`. */
  frontend: 'web' | 'mobile';
  /** The signed-in user's bearer token, read before each request; none: signed out. */
  token?: () => string | undefined;
  /** A fetch of your own (tests, instrumentation); default the global fetch. */
  fetch?: typeof fetch;
}

/**
 * Queries go as GET (`?documentId=sha256:…&variables=…`): short URLs, and a
 * public response can be cached by the browser or a CDN. The
 * `apollo-require-preflight` header is what the gateway's CSRF check asks of
 * a GET. Mutations go as POST.
 */
export function gatewayClient(options: GatewayClientOptions): Client {
  return new Client({
    url: `${options.gatewayUrl}/graphql/${options.frontend}`,
    exchanges: [cacheExchange, trustedDocumentsExchange, fetchExchange],
    preferGetMethod: 'within-url-limit',
    fetchOptions: () => {
      const token = options.token?.();
      return { headers: { 'apollo-require-preflight': 'true', ...(token ? { authorization: `Bearer ${token}` } : {}) } };
    },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

/** The trusted-document id of a generated document, `sha256:<hex>`; undefined for a document without one. */
export function documentIdOf(document: object): string | undefined {
  const hash = (document as { __meta__?: { hash?: unknown } }).__meta__?.hash;
  return typeof hash === 'string' ? `sha256:${hash}` : undefined;
}

/** Put it before fetchExchange: every operation whose document has an id is sent by that id. */
export const trustedDocumentsExchange: Exchange = mapExchange({
  onOperation(operation) {
    const documentId = documentIdOf(operation.query);
    if (documentId === undefined) return operation;
    const persisted: PersistedDocument = { kind: 'Document' as PersistedDocument['kind'], definitions: [], documentId };
    return makeOperation(operation.kind, { ...operation, query: persisted }, operation.context);
  },
});
