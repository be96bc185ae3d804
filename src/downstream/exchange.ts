/**
 * One downstream request and its whole answer over undici's `dispatch` API:
 * the status, the headers and the body as text, in one promise.
 *
 * Why not `Dispatcher.request`: for a body read once, whole, it builds per
 * call an AsyncResource, a Readable stream for the body (with its events and
 * buffering) and, for the call's deadline, an AbortController joined to the
 * request's signals with `AbortSignal.any`; a cold WebProductPage makes eight
 * calls, and that machinery was a tenth of its CPU (bench/README.md, "Cold
 * path"). Here the handler keeps the chunks, and the call's timer and
 * signals abort it directly (one listener per signal for all its calls).
 *
 * What `request` + `body.text()` did is kept exactly, since the transport's
 * error mapping and the circuit breaker depend on it:
 * - a cancel before the request went out is held and applied when it goes
 *   (undici calls `onRequestStart` then), with its reason;
 * - a cancel before the answer's headers aborts the request with its reason
 *   (the interceptors see that reason);
 * - a cancel after the headers aborts the request without one (undici's
 *   RequestAbortedError: what destroying the body stream did) and fails the
 *   call with the reason (what `text()` rejected with);
 * - a cancel's reason is the signal's own (`AbortError` for the call's own
 *   timer, as an AbortController's `abort()` without a reason gives);
 * - 1xx answers are skipped; the body is decoded as UTF-8 without its BOM.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';

export interface Answer {
  statusCode: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export interface ExchangeBounds {
  /** The whole answer's deadline (undici's own timeouts measure gaps between chunks). */
  timeoutMs: number;
  /** What the timer aborts with; undefined: an `AbortError`, as `AbortController.abort()` gives. */
  timeoutReason: () => unknown;
  /** What else cancels the call (the request gone, its keys no longer wanted); undefined entries are skipped. */
  signals: readonly (AbortSignal | undefined)[];
}

export function exchange(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions, bounds: ExchangeBounds): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    const handler = new Exchange(resolve, reject, bounds);
    try {
      dispatcher.dispatch(options, handler);
    } catch (error) {
      handler.fail(error);
    }
  });
}

const BOM = [0xef, 0xbb, 0xbf];

class Exchange implements Dispatcher.DispatchHandler {
  settled = false;
  private controller: Dispatcher.DispatchController | null = null;
  /** Set once a cancel arrived: its reason. */
  private cancelled: { reason: unknown } | null = null;
  private statusCode = 0;
  private headers: IncomingHttpHeaders = {};
  private chunks: Buffer[] = [];
  private length = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly listening: AbortSignal[] = [];

  constructor(
    private readonly resolve: (answer: Answer) => void,
    private readonly reject: (error: unknown) => void,
    private readonly bounds: ExchangeBounds,
  ) {
    for (const signal of bounds.signals) {
      if (!signal) continue;
      if (signal.aborted) {
        this.cancelled = { reason: signal.reason };
        break;
      }
      waitOn(signal, this);
      this.listening.push(signal);
    }
    this.timer = setTimeout(this.onTimeout, bounds.timeoutMs);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.cancelled) controller.abort(this.cancelled.reason as Error);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    if (statusCode < 200) return;
    this.statusCode = statusCode;
    this.headers = headers;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  onResponseEnd(): void {
    if (this.settled) return;
    this.settle();
    this.resolve({ statusCode: this.statusCode, headers: this.headers, text: decode(this.chunks, this.length) });
  }

  onResponseError(_controller: Dispatcher.DispatchController | null, error: Error): void {
    this.fail(error);
  }

  fail(error: unknown): void {
    if (this.settled) return;
    this.settle();
    this.reject(error);
  }

  /** Called by the signal's one listener (waitOn), or by the timer. */
  cancel(reason: unknown): void {
    if (this.settled || this.cancelled) return;
    this.cancelled = { reason };
    if (!this.controller) return; // not sent yet: onRequestStart applies it
    if (this.statusCode === 0) {
      this.controller.abort(reason as Error);
      return;
    }
    // Mid-body: the request ends without a reason, the call with the cancel's.
    this.fail(reason);
    this.controller.abort(undefined as unknown as Error);
  }

  private readonly onTimeout = (): void => {
    this.cancel(this.bounds.timeoutReason() ?? new DOMException('This operation was aborted', 'AbortError'));
  };

  private settle(): void {
    this.settled = true;
    clearTimeout(this.timer);
    for (const signal of this.listening) waiting.get(signal)?.delete(this);
  }
}

/**
 * The calls each signal cancels. One listener per signal, however many calls wait on it: a
 * request's signal is shared by all its calls, and an EventTarget listener added and removed
 * per call cost more than a set's add and delete.
 */
const waiting = new WeakMap<AbortSignal, Set<Exchange>>();

function waitOn(signal: AbortSignal, exchange: Exchange): void {
  let calls = waiting.get(signal);
  if (!calls) {
    const set = (calls = new Set());
    waiting.set(signal, set);
    signal.addEventListener('abort', () => {
      for (const call of set) call.cancel(signal.reason);
    }, { once: true });
  }
  calls.add(exchange);
}

function decode(chunks: readonly Buffer[], length: number): string {
  if (chunks.length === 0 || length === 0) return '';
  const buffer = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, length);
  const start = buffer.length > 2 && buffer[0] === BOM[0] && buffer[1] === BOM[1] && buffer[2] === BOM[2] ? 3 : 0;
  return buffer.toString('utf8', start);
}
