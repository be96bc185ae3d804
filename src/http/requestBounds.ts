/**
 * The bounds a request sets on everything it causes: its deadline
 * (REQUEST_TIMEOUT_MS from its arrival: each downstream call's timeout is the
 * lesser of its own and the time left), and a signal that aborts when the
 * client goes away before its answer is out, so the reads only it waited for
 * are cancelled instead of running on for nobody.
 */
import type { ServerResponse } from 'node:http';
import { CallCancelled, type CallTrace } from '../downstream/call';

/** How much one request may send, take and be given (config: MAX_BODY_BYTES, BODY_TIMEOUT_MS, REQUEST_TIMEOUT_MS, MAX_RESPONSE_BYTES). */
export interface RequestLimits {
  /** Largest POST body accepted, in bytes (413 above). */
  maxBodyBytes: number;
  /** Time the whole POST body may take from the request's start (408 after, connection closed); 0: none. */
  bodyTimeoutMs: number;
  /** The deadline of the whole request, in ms; 0: none. */
  requestTimeoutMs: number;
  /** Largest response body, in bytes: a larger result is replaced by a RESOURCE_LIMIT_EXCEEDED error; 0: none. */
  maxResponseBytes: number;
}

export function requestBounds(res: ServerResponse, timeoutMs: number, startedAt: number): Pick<CallTrace, 'deadline' | 'signal'> {
  const abandoned = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) abandoned.abort(new CallCancelled('the client went away before its answer was sent'));
  });
  return { deadline: timeoutMs > 0 ? startedAt + timeoutMs : undefined, signal: abandoned.signal };
}
