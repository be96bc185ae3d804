/**
 * Reads a POST body, bounded in size and in time: a client never makes the
 * gateway buffer more than `maxBytes`, a body that says it is larger is
 * refused before a byte of it is read, and the whole body must have arrived
 * within `timeoutMs` of the read's start (the request's start: it is called
 * as soon as the headers are in).
 *
 * Why a deadline of its own: node's `requestTimeout` is the backstop of every
 * path, but it answers a bare 408; this one answers a GraphQL-shaped error
 * stating the rule, and it closes the connection, so a client trickling its
 * body a byte a second holds a socket for `timeoutMs`, not for minutes. A
 * refused body still being sent (413) is drained until the same deadline,
 * then the socket is closed as well.
 *
 * JSON is parsed only when the content type says JSON; any other body is
 * handed on as absent, and Apollo answers 400 for a POST without a JSON body,
 * as GraphQL over HTTP asks.
 */
import type { IncomingMessage } from 'node:http';

export interface BodyLimits {
  /** Largest body accepted, in bytes (413 above). */
  maxBytes: number;
  /** Milliseconds the whole body may take to arrive (408 after); 0 = no deadline. */
  timeoutMs: number;
}

/** The parsed body, or the error to answer; `close` when the connection must not be reused. */
export type BodyRead = { value: unknown } | { error: string; status: number; close?: boolean };

export function readBody(req: IncomingMessage, limits: BodyLimits): Promise<BodyRead> {
  const { maxBytes, timeoutMs } = limits;
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (read: BodyRead) => {
      if (settled) return;
      settled = true;
      resolve(read);
    };
    const chunks: Buffer[] = [];
    let size = 0;
    const onDeadline = () => {
      if (settled) {
        req.socket.destroy(); // a refused body still draining
        return;
      }
      const declared = req.headers['content-length'];
      settle({
        error: `The request body must arrive within ${timeoutMs} ms of the request's start; received ${size} ${declared === undefined ? '' : `of ${declared} `}bytes in that time.`,
        status: 408,
        close: true,
      });
    };
    let timer: NodeJS.Timeout | undefined;
    let finished = false;
    const done = () => {
      finished = true;
      clearTimeout(timer);
    };
    req.once('close', done);
    req.on('error', (error) => {
      done();
      if (!settled) reject(error);
    });

    const declared = Number(req.headers['content-length']);
    // The deadline's timer is armed on the next tick, once the bytes that came with the headers have
    // been read: a body that is complete by then (most are) needs none; any other gets one for the
    // time left of its `timeoutMs`.
    const startedAt = performance.now();
    const arm = () => {
      if (finished || (!settled && size === declared)) return;
      timer = setTimeout(onDeadline, Math.max(0, timeoutMs - (performance.now() - startedAt)));
    };
    if (declared > maxBytes) {
      req.resume();
      req.once('end', done);
      settle({ error: `The request body must be at most ${maxBytes} bytes; received ${declared}.`, status: 413 });
      if (timeoutMs > 0) process.nextTick(arm);
      return;
    }
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (settled) return; // timed out: the rest is read and dropped until the connection closes
      size += chunk.length;
      if (size > maxBytes) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => {
      done();
      if (tooLarge) {
        settle({ error: `The request body must be at most ${maxBytes} bytes; received more.`, status: 413 });
        return;
      }
      const type = (req.headers['content-type'] ?? '').toLowerCase();
      if (!/^application\/(graphql-response\+)?json\b/.test(type)) {
        settle({ value: undefined });
        return;
      }
      // A body that came in one chunk (most do) is decoded where it lies.
      const text = chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks, size).toString('utf8');
      try {
        settle({ value: text === '' ? undefined : JSON.parse(text) });
      } catch (error) {
        settle({ error: `The request body is not valid JSON: ${(error as Error).message}.`, status: 400 });
      }
    });
    if (timeoutMs > 0) process.nextTick(arm);
  });
}
