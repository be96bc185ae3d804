/**
 * The bounds a request sets on everything it causes: its deadline
 * (REQUEST_TIMEOUT_MS from its arrival: each downstream call's timeout is the
 * lesser of its own and the time left), and a signal that aborts when the
 * client goes away before its answer is out, so the reads only it waited for
 * are cancelled instead of running on for nobody.
 *
 * The signal is made when it is first asked for (by a downstream call): most
 * requests are answered from the caches and never make one, and an
 * AbortController with its `close` listener was a measurable part of such a
 * request's cost. Asked for after the client went away, it is born aborted,
 * so a reader sees exactly what it would have seen with the signal made at
 * the request's arrival.
 */
import type { ServerResponse } from 'node:http';
import type { RequestRecord } from '../context/requestContext';
import { CallCancelled } from '../downstream/call';

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

/** A new request's record (context/requestContext.ts), with its deadline and its signal. */
export function boundedRecord(res: ServerResponse, timeoutMs: number, startedAt: number): RequestRecord {
  return new BoundedRecord(res, timeoutMs > 0 ? startedAt + timeoutMs : undefined, startedAt);
}

class BoundedRecord implements RequestRecord {
  downstreamCalls = 0;
  operationName: string | null = null;
  readonly #res: ServerResponse;
  #abandoned: AbortController | undefined;

  constructor(
    res: ServerResponse,
    readonly deadline: number | undefined,
    readonly startedAt: number,
  ) {
    this.#res = res;
  }

  get signal(): AbortSignal {
    if (this.#abandoned) return this.#abandoned.signal;
    const abandoned = (this.#abandoned = new AbortController());
    const res = this.#res;
    const onClose = () => {
      if (!res.writableFinished) abandoned.abort(new CallCancelled('the client went away before its answer was sent'));
    };
    if (res.closed) onClose();
    else res.once('close', onClose);
    return abandoned.signal;
  }
}
