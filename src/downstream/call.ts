/**
 * What one downstream call gives back, and what it tells the request that
 * made it. The types every layer above the transport shares (domain loaders,
 * the cache, the request context), so none of them has to import a client.
 */
import type { Context } from '@opentelemetry/api';
import type { DownstreamErrorBody } from '../contract/payloads';
import type { ServiceName } from '../contract/services';

/**
 * What a request gives each of its calls: its counters, filled by the
 * transport (the request's log line reads them), and the bounds it sets:
 * the moment it must be answered by, and the signal that it is gone.
 */
export interface CallTrace {
  downstreamCalls: number;
  /** `performance.now()` by which the request must be answered: a call's timeout is the lesser of its own and the time left. */
  deadline?: number;
  /** Aborted when nobody waits for the request's reads any more (the client went away). Writes run to the end. */
  signal?: AbortSignal;
  /** Outside production, what records each call for the response's diagnostics (diagnostics/callLog.ts); absent otherwise. */
  calls?: CallRecorder;
  /**
   * A background refresh (stale-while-revalidate), made for no request: it
   * takes a free call slot of the service's bulkhead or none, and never waits
   * in its queue. Why: a refresh only improves an answer the cache already
   * has, so under load it must never hold a slot, or a place in the queue,
   * that a request's call is waiting for (the stale copy keeps answering and
   * the next reader past freshness tries again).
   */
  background?: boolean;
  /**
   * With tracing on, the context the call's client span starts under
   * (telemetry/downstreamSpans.ts): the request's span, or for a loader
   * batch's calls the batch's (cache/cacheSession.ts `BatchTrace`). Absent
   * with tracing off; for work of no request, a call starts a trace of its own.
   */
  spanParent?: Context;
}

/**
 * The request's trace for the calls of one loader batch: the same counters,
 * bounds and call log (read and written through to the request's), with
 * the batch's span as their parent. Why not a copy: the transport counts
 * each call into `downstreamCalls`, which the request's log line reads.
 */
export function underSpan(request: CallTrace, spanParent: Context): CallTrace {
  return new BatchTrace(request, spanParent);
}

class BatchTrace implements CallTrace {
  constructor(
    private readonly request: CallTrace,
    readonly spanParent: Context,
  ) {}

  get downstreamCalls(): number {
    return this.request.downstreamCalls;
  }
  set downstreamCalls(n: number) {
    this.request.downstreamCalls = n;
  }
  get deadline(): number | undefined {
    return this.request.deadline;
  }
  get signal(): AbortSignal | undefined {
    return this.request.signal;
  }
  get calls(): CallRecorder | undefined {
    return this.request.calls;
  }
  get background(): boolean | undefined {
    return this.request.background;
  }
}

/** Records a request's calls as they happen (its diagnostics): the transport tells it when each begins and ends. */
export interface CallRecorder {
  /** A call is about to be made: its service, route template (never ids) and how many keys it asks for. */
  begin(service: ServiceName, route: string, keys: number): RecordedCall;
}

/** One call being recorded. */
export interface RecordedCall {
  /** The retry interceptor sent the call again (a function of its own: it is handed to undici). */
  readonly retried: () => void;
  /**
   * The call is over: `outcome` as the CallObserver's (an HTTP status or a
   * failure kind), `status` when the service answered one, `sent` false when
   * the gateway refused the call before it went (circuit, bulkhead, deadline).
   */
  end(outcome: string, status: number | undefined, sent: boolean): void;
}

/** A call given up because nobody waits for its answer any more: never a sign of the service's health. */
export class CallCancelled extends Error {
  override readonly name = 'CallCancelled';
}

/** A call cut short by its request's deadline rather than by its own timeout: the request's time ran out, not the service's. */
export class DeadlineReached extends Error {
  override readonly name = 'DeadlineReached';
}

/** A read's value with the service's freshness: its `Cache-Control: max-age`, the longest anyone may cache it. */
export interface Fetched<T> {
  value: T;
  maxAgeSeconds: number | null;
}

/**
 * How a call ended, when it ended as the contract allows: a 2xx whose body
 * passed its check, or an expected 4xx for the client to turn into data.
 * Everything else is a thrown `DownstreamError`.
 */
export type Outcome<T> =
  | { ok: true; status: number; value: T; maxAgeSeconds: number | null }
  | { ok: false; status: number; error: DownstreamErrorBody };

/** Observes every call, for metrics: `outcome` is the HTTP status, or the failure kind. */
export type CallObserver = (service: ServiceName, route: string, outcome: string, ms: number) => void;
