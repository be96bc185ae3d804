/**
 * Writes what Apollo answered: its status and headers, the headers a shared
 * cache needs, and the body, unless the body is larger than a response may
 * be (then a RESOURCE_LIMIT_EXCEEDED error takes its place).
 */
import type { HTTPGraphQLResponse } from '@apollo/server';
import type { ServerResponse } from 'node:http';
import { ErrorCode } from '../errors/catalogue';
import type { CompleteBody } from '../graphql/fastLane';
import { appendVary, writeError } from './responses';

export interface ResponseOptions {
  /** A signed-in response is for its user only, whatever the document's hints say. */
  signedIn: boolean;
  /** Largest body, in bytes; 0: no bound. */
  maxResponseBytes: number;
  accept: string | undefined;
  /** Where a refusal for size is noted, for metrics. */
  record: { rejection?: string };
}

/** Writes the response; resolves with the status written. */
export async function writeGraphQLResponse(res: ServerResponse, response: HTTPGraphQLResponse, options: ResponseOptions): Promise<number> {
  const status = response.status ?? 200;
  for (const [key, value] of response.headers) res.setHeader(key, value);
  if (options.signedIn) res.setHeader('cache-control', 'private, no-store');
  // What a shared cache must key on: money is formatted per Accept-Language, the
  // media type follows Accept, and a token changes the answer.
  appendVary(res, 'Accept, Accept-Language, Authorization');
  res.statusCode = status;
  if (response.body.kind !== 'complete') {
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
    return status;
  }
  // The fast lane's bodies come as bytes; any other is encoded once: its length is the size bound's and Content-Length's.
  const { bytes } = response.body as CompleteBody;
  const body = bytes ?? Buffer.from(response.body.string);
  const size = options.maxResponseBytes > 0 ? body.length : 0;
  if (size <= options.maxResponseBytes) {
    res.end(body);
    return status;
  }
  const limit = options.maxResponseBytes;
  options.record.rejection = 'response_bytes';
  writeError(res, 400, `A response may be at most ${limit} bytes; this one is ${size}. Ask for fewer items or fields.`, ErrorCode.RESOURCE_LIMIT_EXCEEDED, options.accept, {
    extensions: { rule: 'responseBytes', limit, value: size },
  });
  return 400;
}
