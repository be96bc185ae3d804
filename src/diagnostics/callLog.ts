/**
 * One request's downstream calls as they happened, for the response's
 * diagnostics (graphql/plugins/diagnosticsPlugin.ts): when each began and
 * ended relative to the request's arrival, how it ended, and which earlier
 * call it waited for. Made per request, and only when diagnostics are on
 * (never in production): with them off nothing here exists, and every place
 * that would feed it is one `?.` or `if` on an absent object.
 *
 * Which earlier call a call waited for (its predecessor), and so its
 * dependency level (1 + its predecessor's, 1 without one), is decided from
 * what runs when, not from the schema:
 *
 * - A loader batch takes as its cause the call whose answer arrived last
 *   before the batch's first key did. Keys arrive in the promise jobs that
 *   an answer sets off, before any other I/O callback runs, so that answer
 *   is the one that gave the batch its keys (or, for a batch formed while
 *   resolvers were running on cached values, none).
 * - A leaf batch the scheduler held for its feeders takes, if later, the
 *   answer its last feeder brought (domain/batchScheduler.ts).
 * - A batch that waited for the request's Redis pipeline (which goes only
 *   once no fetch of the request is out) takes the last answer before the
 *   pipeline's reply: those are the calls the pipeline, and so the batch,
 *   waited for (cache/cacheSession.ts).
 * - Anything else (a mutation's call, a resolver's own read) takes the last
 *   answer before it began.
 *
 * The scheduler and the session hand a batch's cause to its call with
 * `within`, around the synchronous code that begins the call. The critical
 * path (report.ts) follows these predecessors back from the call that ended
 * last.
 */
import type { CallRecorder, RecordedCall } from '../downstream/call';
import type { ServiceName } from '../contract/services';

/** The call a batch or call waited for: an opaque token, null when it waited for none. */
export type CallCause = LoggedCall | null;

/** What the batch scheduler and the cache session ask of the log (they never read a call). */
export interface CallCauses {
  /** The call whose answer arrived last so far (null: none yet). */
  lastAnswered(): CallCause;
  /** The cause in force: the one `within` set, else the last answered. */
  current(): CallCause;
  /** Runs `begin`, every call it begins synchronously taking `cause` as its predecessor. */
  within<T>(cause: CallCause, begin: () => T): T;
  /** Whichever of the two was answered later. */
  later(a: CallCause, b: CallCause): CallCause;
}

/** One call of the request, as recorded. */
export interface LoggedCall {
  readonly service: ServiceName;
  /** The route template (`GET /products/{id}`): never an id. */
  readonly route: string;
  readonly keys: number;
  readonly level: number;
  /** The call this one waited for. */
  readonly after: LoggedCall | null;
  /** ms from the request's arrival. */
  readonly startMs: number;
  /** ms from the request's arrival; null while the call is out. */
  endMs: number | null;
  /** An HTTP status or a failure kind (downstream/serviceHttp.ts), 'pending' while out. */
  outcome: string;
  status: number | undefined;
  /** Whether it went out (false: the gateway refused it: circuit open, bulkhead full, deadline passed). */
  sent: boolean;
  retries: number;
  /** The order of its answer among the request's calls (1 = first); 0 until answered. */
  answered: number;
}

export class CallLog implements CallRecorder, CallCauses {
  readonly calls: LoggedCall[] = [];
  private last: LoggedCall | null = null;
  private answers = 0;
  /** The cause `within` set; undefined outside it. */
  private scope: CallCause | undefined = undefined;

  /** `startedAt`: `performance.now()` at the request's arrival. */
  constructor(
    readonly startedAt: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** ms since the request's arrival. */
  elapsed(): number {
    return this.now() - this.startedAt;
  }

  begin(service: ServiceName, route: string, keys: number): RecordedCall {
    const after = this.scope === undefined ? this.last : this.scope;
    const call: LoggedCall = {
      service,
      route,
      keys,
      level: after ? after.level + 1 : 1,
      after,
      startMs: this.elapsed(),
      endMs: null,
      outcome: 'pending',
      status: undefined,
      sent: true,
      retries: 0,
      answered: 0,
    };
    this.calls.push(call);
    return {
      retried: () => {
        call.retries++;
      },
      end: (outcome, status, sent) => {
        call.endMs = this.elapsed();
        call.outcome = outcome;
        call.status = status;
        call.sent = sent;
        // A refused call answered nothing: what follows did not wait for it.
        if (!sent) return;
        call.answered = ++this.answers;
        this.last = call;
      },
    };
  }

  lastAnswered(): CallCause {
    return this.last;
  }

  current(): CallCause {
    return this.scope === undefined ? this.last : this.scope;
  }

  within<T>(cause: CallCause, begin: () => T): T {
    const outer = this.scope;
    this.scope = cause;
    try {
      return begin();
    } finally {
      this.scope = outer;
    }
  }

  later(a: CallCause, b: CallCause): CallCause {
    if (!a) return b;
    if (!b) return a;
    return b.answered > a.answered ? b : a;
  }
}
