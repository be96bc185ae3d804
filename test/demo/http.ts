/**
 * A JSON request to a demo service, for the service suites: status, headers,
 * raw text and the parsed body.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export async function call(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<{ status: number; headers: Headers; json: Json; text: string }> {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { 'content-type': 'application/json', ...init.headers },
    body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: JSON.parse(text) as Json };
}
