/**
 * Single requests outside the measured runs: warming a gateway up, and
 * capturing the exact response bytes the bare reference server will serve.
 *
 * Why warm up: the first requests of a fresh process pay for JIT compilation
 * and connection set-up, and a warm run must start with the entity cache
 * filled; neither belongs in the measurement. A warm-up answer that is not a
 * clean 200 is reported at once (with the GraphQL error), because every
 * number after it would describe a broken request.
 */
import { request } from 'undici';
import type { LoadRequest, Rotation } from './load';

export interface Captured {
  status: number;
  contentType: string;
  body: Buffer;
  /** Response headers, lower-case names. */
  headers: Record<string, string | string[] | undefined>;
}

export async function send(baseUrl: string, req: LoadRequest): Promise<Captured> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (req.authorization) headers.authorization = req.authorization;
  const res = await request(`${baseUrl}${req.path}`, { method: 'POST', headers, body: req.body });
  const body = Buffer.from(await res.body.arrayBuffer());
  const contentType = res.headers['content-type'];
  return { status: res.statusCode, contentType: typeof contentType === 'string' ? contentType : 'application/json', body, headers: res.headers };
}

/** Problems seen in the answer: a non-2xx status or GraphQL errors, else null. */
export function problemOf(answer: Captured): string | null {
  const text = answer.body.toString('utf8');
  if (answer.status < 200 || answer.status > 299) return `HTTP ${answer.status}: ${text.slice(0, 300)}`;
  if (text.includes('"errors"')) return `GraphQL errors: ${text.slice(text.indexOf('"errors"'), text.indexOf('"errors"') + 300)}`;
  return null;
}

/** `count` requests from `rotation`, `concurrency` at a time; the first problem seen, or null. */
export async function warmUp(baseUrl: string, rotation: Rotation, count: number, concurrency = 4): Promise<string | null> {
  let problem: string | null = null;
  let left = count;
  const worker = async () => {
    while (left-- > 0) {
      const answer = await send(baseUrl, rotation.next());
      problem ??= problemOf(answer);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return problem;
}
