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
 */
import type { ApolloServerPlugin, GraphQLRequestContext, GraphQLRequestListener, GraphQLResponse, HeaderMap } from '@apollo/server';
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
  for (const listener of await Promise.all(plugins.map((p) => p.requestDidStart?.(rc)))) if (listener) listeners.push(listener);
  // Apollo's hooks are typed per phase; at run time they all receive this one object.
  const at = rc as never;

  const didEncounterErrors = async (found: readonly GraphQLError[]) => {
    (rc as { errors?: readonly GraphQLError[] }).errors = found;
    await all(listeners, 'didEncounterErrors', at);
  };
  const willSendResponse = async () => {
    const sending = all(listeners, 'willSendResponse', at);
    if (sending) await sending;
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
  if (resolvedSource) await resolvedSource;
  try {
    const resolvedOperation = all(listeners, 'didResolveOperation', at);
    if (resolvedOperation) await resolvedOperation;
  } catch (error) {
    return sendErrorResponse([ensureGraphQLError(error)]);
  }

  let answered: GraphQLResponse | null = null;
  for (const l of listeners) {
    if (!l.responseForOperation) continue;
    const value = await l.responseForOperation(at);
    if (value != null) {
      answered = value;
      break;
    }
  }
  if (answered !== null) {
    rc.response.body = answered.body;
    mergeHead(answered.http);
  } else {
    const executionListeners = [];
    const started = all(listeners, 'executionDidStart', at);
    for (const listener of started ? await started : []) if (listener) executionListeners.push(listener);
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
      rc.response.body = { kind: 'single', singleResult: { ...result, errors: formattedErrors } };
    } catch (failure) {
      const error = failure instanceof Error ? failure : ensureGraphQLError(failure);
      await Promise.all(executionListeners.map((l) => l.executionDidEnd?.(error)));
      return sendErrorResponse([ensureGraphQLError(error)]);
    }
    if (executionListeners.length > 0) await Promise.all(executionListeners.map((l) => l.executionDidEnd?.()));
  }
  const sending = all(listeners, 'willSendResponse', at);
  if (sending) await sending;
  return rc.response as GraphQLResponse;
}

type Hook = 'didResolveSource' | 'didResolveOperation' | 'didEncounterErrors' | 'executionDidStart' | 'willSendResponse';

/**
 * Calls `hook` of each listener that has it, in order (a synchronous throw stops there, as in
 * Apollo's `map`), and returns their joint promise; undefined when no listener has the hook.
 */
function all<H extends Hook>(listeners: readonly GraphQLRequestListener<OperationContext>[], hook: H, at: never): Promise<Awaited<ReturnType<NonNullable<GraphQLRequestListener<OperationContext>[H]>>>[]> | undefined {
  let started: unknown[] | undefined;
  for (const listener of listeners) {
    const f = listener[hook] as ((this: GraphQLRequestListener<OperationContext>, rc: never) => unknown) | undefined;
    if (f) (started ??= []).push(f.call(listener, at));
  }
  return started && (Promise.all(started) as never);
}
