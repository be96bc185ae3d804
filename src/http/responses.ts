/**
 * The few responses the gateway writes itself, outside Apollo: JSON bodies
 * for health and readiness, and GraphQL-shaped `{ errors }` for requests
 * refused before a GraphQL pipeline runs (405, 413, malformed JSON, 500), in
 * the media type the client's Accept prefers.
 */
import type { ServerResponse } from 'node:http';
import { errorContentType } from './accept';

export function writeJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** An error in GraphQL's `{ errors }` shape with a stable `extensions.code` (and more extensions, when given). */
export function writeError(
  res: ServerResponse,
  status: number,
  message: string,
  code: string,
  accept: string | undefined,
  more: { extensions?: Record<string, unknown>; headers?: Record<string, string> } = {},
): void {
  const body = JSON.stringify({ errors: [{ message, extensions: { code, ...more.extensions } }] });
  res.writeHead(status, {
    'cache-control': 'no-store',
    ...more.headers,
    'content-type': errorContentType(accept),
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}
