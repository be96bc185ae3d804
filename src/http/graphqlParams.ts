/**
 * The GraphQL-over-HTTP parameters of a request as the gateway reads them
 * before Apollo does: which document it names (`query`, `documentId`, an APQ
 * hash), checked for shapes Apollo would otherwise trip over, and rewritten
 * when the document is a trusted one (graphql/documentAdmission.ts).
 *
 * Why check nesting here: `variables` (and `extensions`) are client JSON
 * that graphql-js walks recursively when it coerces variables; 50,000 levels
 * of nested arrays overflow its stack, which surfaced as an HTTP 500. No
 * GraphQL input of this schema nests more than a few levels, so anything
 * deeper than `MAX_JSON_DEPTH` is refused with a clear 400 before it gets
 * that far.
 */
import { ErrorCode } from '../errors/catalogue';
import type { Refusal } from '../errors/refusal';
import type { DocumentRequest } from '../graphql/documentAdmission';

/** Deepest nesting of objects and arrays accepted in `variables` and `extensions`. */
export const MAX_JSON_DEPTH = 32;

/** The request's parameters: the parsed JSON body of a POST, or the search string of a GET. */
export interface HttpParams {
  body: unknown;
  search: string;
}

/** The document the request names, or why its parameters are refused. */
export function documentRequest(params: HttpParams, method: string): DocumentRequest | Refusal {
  const fields = method === 'GET' ? fromSearch(params.search) : fromBody(params.body);
  if ('status' in fields) return fields;
  for (const name of ['variables', 'extensions'] as const) {
    const depth = jsonDepth(fields[name], MAX_JSON_DEPTH);
    if (depth > MAX_JSON_DEPTH) {
      return {
        status: 400,
        code: ErrorCode.BAD_REQUEST,
        message: `\`${name}\` may nest objects and arrays at most ${MAX_JSON_DEPTH} levels deep; received more than ${MAX_JSON_DEPTH}.`,
      };
    }
  }
  if (fields.documentId !== undefined && typeof fields.documentId !== 'string') {
    return { status: 400, code: ErrorCode.BAD_REQUEST, message: '`documentId` must be a string (sha256:<64 hex digits>).' };
  }
  const persisted = (fields.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery?.sha256Hash;
  return {
    query: typeof fields.query === 'string' ? fields.query : undefined,
    documentId: fields.documentId as string | undefined,
    persistedQueryHash: typeof persisted === 'string' ? persisted : undefined,
  };
}

/** The parameters with the document replaced by a trusted text: no `documentId`, no APQ extension. */
export function withDocument(params: HttpParams, method: string, text: string): HttpParams {
  if (method === 'GET') {
    const search = new URLSearchParams(params.search);
    search.set('query', text);
    search.delete('documentId');
    const extensions = parseJson(search.get('extensions'));
    if (isObject(extensions) && 'persistedQuery' in extensions) {
      const { persistedQuery: _dropped, ...rest } = extensions;
      if (Object.keys(rest).length > 0) search.set('extensions', JSON.stringify(rest));
      else search.delete('extensions');
    }
    return { body: params.body, search: `?${search.toString()}` };
  }
  const { documentId: _id, ...body } = params.body as Record<string, unknown>;
  body.query = text;
  if (isObject(body.extensions) && 'persistedQuery' in body.extensions) {
    const { persistedQuery: _dropped, ...rest } = body.extensions;
    body.extensions = rest;
  }
  return { body, search: params.search };
}

interface Fields {
  query?: unknown;
  documentId?: unknown;
  variables?: unknown;
  extensions?: unknown;
}

function fromBody(body: unknown): Fields | Refusal {
  // A batch (an array) or a body without JSON is Apollo's to refuse, as GraphQL over HTTP says.
  if (!isObject(body)) return {};
  return body as Fields;
}

function fromSearch(search: string): Fields | Refusal {
  if (search === '' || search === '?') return {};
  const params = new URLSearchParams(search);
  return {
    query: params.get('query') ?? undefined,
    documentId: params.get('documentId') ?? undefined,
    variables: parseJson(params.get('variables')),
    extensions: parseJson(params.get('extensions')),
  };
}

/** JSON text, parsed; anything unreadable is left to Apollo, which says what is wrong with it. */
function parseJson(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** How deep `value` nests, counted without recursion, up to one past `max`. */
export function jsonDepth(value: unknown, max: number): number {
  if (typeof value !== 'object' || value === null) return 0;
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (depth > deepest) deepest = depth;
    if (deepest > max) return deepest;
    for (const child of Object.values(node as object)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return deepest;
}
