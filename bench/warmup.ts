/**
 * Requests outside the measured runs: priming and warming a gateway up, and
 * capturing the exact response bytes the bare reference server will serve.
 *
 * Why warm up: the first requests of a fresh process pay for JIT compilation
 * and connection set-up, and a warm run must start with the entity cache
 * filled; neither belongs in the measurement. A warm-up answer that is not a
 * clean 200 is reported at once (with the GraphQL error), because every
 * number after it would describe a broken request.
 *
 * Why a priming load before the warm-up: a fresh gateway's CPU per request
 * halves over its first few thousand requests of an operation (V8 optimising
 * that operation's path, with its compiler threads counted in the process's
 * CPU). Twenty warm-up requests get nowhere near, so without a priming load a
 * run measures the JIT, and the operation measured first in a scenario looks
 * slower than the same request measured later (measured on the quick run:
 * WebProductPage warm 1.00 ms/request after 20 warm-up requests, 0.58 after
 * 3 s of load). A gateway in production serves each operation for hours: the
 * steady state is the figure that describes it.
 */
import { request } from 'undici';
import { runLoad, type LoadRequest, type Rotation } from './load';

/**
 * Seconds of unmeasured load before an operation's first measured run (some
 * 4,000 warm requests, or some 800 cold ones at 20 ms): WebProductPage's CPU
 * per warm request on a fresh gateway falls from 1.1 to 0.45 ms over its
 * first 4,000 or so, and 20 or 200 warm-up requests do not get there.
 */
export const PRIME_S = 3;

/**
 * `seconds` of unmeasured load on `rotation` at `connections`, continuing the
 * rotation (a cold run after it still meets ids it has not seen since); the
 * first problem answer, as `warmUp` reports it, or null.
 */
export async function prime(baseUrl: string, rotation: Rotation, connections: number, seconds = PRIME_S): Promise<string | null> {
  const load = await runLoad(baseUrl, rotation, connections, seconds);
  const failed = load.non2xx + load.graphqlErrors + load.connectionErrors + load.timeouts;
  return failed === 0 ? null : `${failed} of ${load.responses} priming answers failed: ${load.problemSamples[0] ?? `${load.connectionErrors} connection errors, ${load.timeouts} timeouts`}`;
}

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
