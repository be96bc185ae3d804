/**
 * GraphQL over HTTP as a client library would send it, for the suites that
 * need more than `stack.graphql`: any POST body (documentId, APQ extensions,
 * malformed shapes), GET requests, raw bodies.
 */
import { request } from 'undici';

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body, or null when it was not JSON. */
  body: any;
  text: string;
}

async function answer(res: Awaited<ReturnType<typeof request>>): Promise<HttpAnswer> {
  const text = await res.body.text();
  let body: any = null;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: the test looks at `text`
  }
  return { status: res.statusCode, headers: res.headers, body, text };
}

/** POSTs `body` (JSON-encoded unless it is a string) to /graphql/<frontend>. */
export async function postGraphQL(baseUrl: string, frontend: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  const res = await request(`${baseUrl}/graphql/${frontend}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return answer(res);
}

/** GETs /graphql/<frontend>?<params>, with the header Apollo's CSRF prevention asks of a GET. */
export async function getGraphQL(baseUrl: string, frontend: string, params: Record<string, string>, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  const search = new URLSearchParams(params).toString();
  const res = await request(`${baseUrl}/graphql/${frontend}?${search}`, {
    headers: { accept: 'application/json', 'apollo-require-preflight': 'true', ...headers },
  });
  return answer(res);
}
