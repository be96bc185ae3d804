/**
 * Runs a subscription: the root field's `subscribe` once, then each event's
 * selection with a context of its own.
 *
 * Why not graphql-js's `subscribe`: it executes every event with the one
 * context it was given, so a long-lived subscription would keep one data
 * layer for hours: its loaders' memo would serve the first event's products
 * to every later event, and grow without bound. Here each event gets a fresh
 * context (a new data layer over the shared cache, as a request does), and
 * its buffered cache writes are flushed once it has resolved. Execution
 * itself is graphql-js's (`createSourceEventStream`, `execute`): events are
 * small, and nothing of the HTTP path's compiled executor is needed.
 */
import { createSourceEventStream, execute, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { OperationContext } from '../context/requestContext';

export interface EventExecution {
  /** A context for one event. */
  eventContext: () => OperationContext;
  /** One event resolved and is on its way to the socket. */
  onEvent: () => void;
}

/** `subscribe` for graphql-ws: a setup error is a single result; otherwise the stream of executed events. */
export async function subscribeWithEventContexts(args: ExecutionArgs, events: EventExecution): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const stream = await createSourceEventStream(args);
  if (!isAsyncIterable(stream)) return stream;
  const source = stream[Symbol.asyncIterator]();
  const mapped: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      const event = await source.next();
      if (event.done) return { value: undefined, done: true };
      const contextValue = events.eventContext();
      const result = await execute({ ...args, rootValue: event.value, contextValue });
      contextValue.session.flush();
      events.onEvent();
      return { value: result, done: false };
    },
    async return() {
      await source.return?.();
      return { value: undefined, done: true };
    },
    async throw(error: unknown) {
      await source.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return mapped;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
