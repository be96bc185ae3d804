/**
 * Reads a POST body, bounded: a client never makes the gateway buffer more
 * than `limit` bytes, and a body that says it is larger is refused before a
 * byte of it is read.
 *
 * JSON is parsed only when the content type says JSON; any other body is
 * handed on as absent, and Apollo answers 400 for a POST without a JSON body,
 * as GraphQL over HTTP asks.
 */
import type { IncomingMessage } from 'node:http';

export type BodyRead = { value: unknown } | { error: string; status: number };

export function readBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) {
      req.resume();
      resolve({ error: `The request body must be at most ${limit} bytes; received ${declared}.`, status: 413 });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (tooLarge) {
        resolve({ error: `The request body must be at most ${limit} bytes; received more.`, status: 413 });
        return;
      }
      const type = (req.headers['content-type'] ?? '').toLowerCase();
      if (!/^application\/(graphql-response\+)?json\b/.test(type)) {
        resolve({ value: undefined });
        return;
      }
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve({ value: text === '' ? undefined : JSON.parse(text) });
      } catch (error) {
        resolve({ error: `The request body is not valid JSON: ${(error as Error).message}.`, status: 400 });
      }
    });
  });
}
