/**
 * The few responses the gateway writes itself, outside Apollo: JSON bodies
 * for health and readiness, and GraphQL-shaped `{ errors }` for requests
 * refused before a GraphQL pipeline runs (405, 413, malformed JSON, 500), in
 * the media type the client's Accept prefers.
 */
import type { ServerResponse } from 'node:http';
import type { Refusal } from '../errors/refusal';
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

/** Writes a refusal (errors/refusal.ts). */
export function writeRefusal(res: ServerResponse, refusal: Refusal, accept: string | undefined): void {
  if (refusal.close) closeAfterResponse(res);
  writeError(res, refusal.status, refusal.message, refusal.code, accept, refusal);
}

/** Adds to the response's `Vary` instead of replacing what an earlier step put there. */
export function appendVary(res: ServerResponse, value: string): void {
  const current = res.getHeader('vary');
  res.setHeader('vary', current ? `${String(current)}, ${value}` : value);
}

/** Marks the connection for closing once this response is out, and closes it then, whatever the client still sends. */
export function closeAfterResponse(res: ServerResponse): void {
  res.setHeader('connection', 'close');
  res.once('finish', () => res.socket?.destroy());
}
