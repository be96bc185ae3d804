/**
 * The request lifecycle Apollo Server runs a plugin through, for a document
 * it already holds parsed and validated (its document store's hit): the
 * same hooks, in the same order, with the same error handling, so that every
 * gateway plugin behaves in the fast lane exactly as behind Apollo.
 *
 * This is `processGraphQLRequest` of @apollo/server 5 (requestPipeline.ts)
 * from the document-store hit on, for a single (non-incremental) result:
 *
 *   requestDidStart → didResolveSource → didResolveOperation (all at once;
 *   a throw answers with that error) → responseForOperation (in order, the
 *   first answer wins) → executionDidStart → execution → didEncounterErrors
 *   → executionDidEnd → willSendResponse.
 *
 * What is left out is what a trusted document cannot trigger: parsing and
 * validation hooks (Apollo does not call them on a store hit either),
 * persisted-query registration (the fast lane never takes an APQ request),
 * GET's mutation check (it takes only POST), incremental delivery, and
 * `willResolveField` (no gateway plugin has it; a plugin that had one would
 * make `createFastLane` refuse to start, see index.ts).
 *
 * Each phase calls the hook of every listener that has it, in order, and
 * awaits them together, as Apollo's `Promise.all` over the listeners does;
 * a phase no listener has a hook for costs no await (nothing could run in
 * it), and neither does a listener without `responseForOperation`.
 *
 * A hook may also return its value itself rather than a promise of it:
 * Apollo awaits whatever a hook returns, so such a plugin behaves the same
 * behind Apollo, and here a phase whose hooks all returned values goes on
 * at once, without a `Promise.all` or a turn of the microtask queue. Every
 * gateway plugin's hooks do when they have nothing to wait for
 * (plugins/listener.ts).
 */
import type { ApolloServerPlugin, GraphQLRequestContext, GraphQLRequestExecutionListener, GraphQLRequestListener, GraphQLResponse, HeaderMap } from '@apollo/server';
import type { ExecutionResult, GraphQLError } from 'graphql';
import type { OperationContext } from '../../context/requestContext';
import { ensureGraphQLError, formatErrors, type ErrorFormatting } from './formatErrors';

/** The request context the plugins see (Apollo's type, built by the fast lane). */
export type LaneRequestContext = GraphQLRequestContext<OperationContext>;

/** Runs `rc` through `plugins`' hooks around `execute`; resolves with the response the plugins shaped. */
export async function runLifecycle(
  plugins: readonly ApolloServerPlugin<OperationContext>[],
  rc: LaneRequestContext,
  execute: () => Promise<ExecutionResult>,
  errors: ErrorFormatting,
): Promise<GraphQLResponse> {
  const listeners: GraphQLRequestListener<OperationContext>[] = [];
  const starting = settled(plugins.map((p) => p.requestDidStart?.(rc)));
  for (const listener of isThenable(starting) ? await starting : starting) if (listener) listeners.push(listener as GraphQLRequestListener<OperationContext>);
  // Apollo's hooks are typed per phase; at run time they all receive this one object.
  const at = rc as never;

  const didEncounterErrors = async (found: readonly GraphQLError[]) => {
    (rc as { errors?: readonly GraphQLError[] }).errors = found;
    const encountered = all(listeners, 'didEncounterErrors', at);
    if (isThenable(encountered)) await encountered;
  };
  const willSendResponse = async () => {
    const sending = all(listeners, 'willSendResponse', at);
    if (isThenable(sending)) await sending;
  };
  const mergeHead = (source: { status?: number | undefined; headers?: HeaderMap | undefined }) => {
    if (source.status) rc.response.http.status = source.status;
    if (source.headers) for (const [name, value] of source.headers) rc.response.http.headers.set(name, value);
  };
  const sendErrorResponse = async (found: GraphQLError[]): Promise<GraphQLResponse> => {
    await didEncounterErrors(found);
    const { formattedErrors, httpFromErrors } = formatErrors(found, errors);
    rc.response.body = { kind: 'single', singleResult: { errors: formattedErrors } };
    mergeHead(httpFromErrors);
    if (!rc.response.http.status) rc.response.http.status = 500;
    await willSendResponse();
    return rc.response as GraphQLResponse;
  };

  const resolvedSource = all(listeners, 'didResolveSource', at);
  if (isThenable(resolvedSource)) await resolvedSource;
  try {
    const resolvedOperation = all(listeners, 'didResolveOperation', at);
    if (isThenable(resolvedOperation)) await resolvedOperation;
  } catch (error) {
    return sendErrorResponse([ensureGraphQLError(error)]);
  }

  let answered: GraphQLResponse | null = null;
  for (const l of listeners) {
    if (!l.responseForOperation) continue;
    let value: unknown = l.responseForOperation(at);
    if (isThenable(value)) value = await value;
    if (value != null) {
      answered = value as GraphQLResponse;
      break;
    }
  }
  if (answered !== null) {
    rc.response.body = answered.body;
    mergeHead(answered.http);
  } else {
    const executionListeners: GraphQLRequestExecutionListener<OperationContext>[] = [];
    const started = all(listeners, 'executionDidStart', at);
    for (const listener of (isThenable(started) ? await started : started) ?? []) if (listener) executionListeners.push(listener as GraphQLRequestExecutionListener<OperationContext>);
    executionListeners.reverse();
    try {
      const result = await execute();
      const resultErrors = result.errors as GraphQLError[] | undefined;
      let formattedErrors;
      if (resultErrors) {
        await didEncounterErrors(resultErrors);
        const formatted = formatErrors(resultErrors, errors);
        formattedErrors = formatted.formattedErrors;
        // Apollo's status400ForVariableCoercionErrors (on in Apollo Server 5).
        if (resultErrors.length && result.data === undefined && !formatted.httpFromErrors.status) formatted.httpFromErrors.status = 400;
        mergeHead(formatted.httpFromErrors);
      }
      // Apollo's `{ ...result, errors }`; a result without errors is this request's own object, used as it is.
      rc.response.body = { kind: 'single', singleResult: formattedErrors === undefined && result.errors === undefined ? result : { ...result, errors: formattedErrors } };
    } catch (failure) {
      const error = failure instanceof Error ? failure : ensureGraphQLError(failure);
      const ended = settled(executionListeners.map((l) => l.executionDidEnd?.(error)));
      if (isThenable(ended)) await ended;
      return sendErrorResponse([ensureGraphQLError(error)]);
    }
    if (executionListeners.length > 0) {
      const ended = settled(executionListeners.map((l) => l.executionDidEnd?.()));
      if (isThenable(ended)) await ended;
    }
  }
  await willSendResponse();
  return rc.response as GraphQLResponse;
}

type Hook = 'didResolveSource' | 'didResolveOperation' | 'didEncounterErrors' | 'executionDidStart' | 'willSendResponse';

/**
 * Calls `hook` of each listener that has it, in order (a synchronous throw stops there, as in
 * Apollo's `map`), and returns their values (`settled`); undefined when no listener has the hook.
 */
function all(listeners: readonly GraphQLRequestListener<OperationContext>[], hook: Hook, at: never): unknown[] | Promise<unknown[]> | undefined {
  let started: unknown[] | undefined;
  for (const listener of listeners) {
    const f = listener[hook] as ((this: GraphQLRequestListener<OperationContext>, rc: never) => unknown) | undefined;
    if (f) (started ??= []).push(f.call(listener, at));
  }
  return started && settled(started);
}

/** The hooks' values as they are when none is a promise, else the promise of them all (Apollo's `Promise.all`). */
function settled(values: unknown[]): unknown[] | Promise<unknown[]> {
  for (const value of values) if (isThenable(value)) return Promise.all(values);
  return values;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null | undefined)?.then === 'function';
}
