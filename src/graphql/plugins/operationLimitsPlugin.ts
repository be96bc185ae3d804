/**
 * Bounds every document that is not trusted before it runs, and estimates
 * every operation's cost.
 *
 * Trusted documents (a frontend's manifests) were parsed and validated when
 * the gateway started and are known to be within bounds; anything else a
 * client makes up is checked here, once Apollo has parsed and validated it
 * and resolved its operation, and before anything executes, compiles, or is
 * registered as a persisted query (Apollo stores an APQ registration only
 * after these hooks pass). Each limit is an environment setting (config.ts);
 * an error names the rule, the limit and the value received.
 *
 * It also refuses, with a 400, a request whose `operationName` names no
 * operation of the document, or a document of several operations sent
 * without one (graphql-jit, behind Apollo's executor hook, would otherwise
 * fail with a 500), and a subscription, which runs over WebSocket only.
 * The checks themselves are operationLimits.ts's, shared with the
 * subscriptions' admission.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { GraphQLError, Kind, type DocumentNode } from 'graphql';
import type { OperationLimits } from '../../config';
import type { OperationContext } from '../../context/requestContext';
import { listening, refuse } from './listener';
import { ErrorCode, quote } from '../../errors/catalogue';
import { checkOperationLimits, rejectionOf } from '../operationLimits';

export interface OperationLimitsPluginOptions {
  /** The bounds (0 turns one off); defaults in config.ts. */
  limits: OperationLimits;
}

export function operationLimitsPlugin(options: OperationLimitsPluginOptions): ApolloServerPlugin<OperationContext> {
  const { limits } = options;
  return {
    requestDidStart: () =>
      listening<OperationContext>({
        didResolveOperation({ contextValue, document, operation, request, schema }) {
          try {
            if (!operation) return refuse(unresolvedOperation(document, request.operationName));
            if (operation.operation === 'subscription') return refuse(subscriptionOverHttp());
            const { record } = contextValue;
            const checked = checkOperationLimits(limits, schema, document, operation, request.variables, record.trustedDocument !== undefined);
            if (!checked.ok) {
              record.rejection = rejectionOf(checked.rule);
              return refuse(checked.error);
            }
            // Set only for an operation that will run, and before the next plugin's hook: Apollo
            // starts every plugin's didResolveOperation at once, and the budgets read it.
            record.cost = checked.cost;
            return undefined;
          } catch (error) {
            return refuse(error);
          }
        },
      }),
  };
}

/** Subscriptions run over WebSocket, at the same path (src/subscriptions/); over HTTP there is no stream to send events on. */
function subscriptionOverHttp(): GraphQLError {
  return new GraphQLError(
    'Subscriptions run over WebSocket (the graphql-transport-ws protocol) at this same path, not over HTTP; send queries and mutations here.',
    { extensions: { code: ErrorCode.BAD_REQUEST, http: { status: 400 } } },
  );
}

function unresolvedOperation(document: DocumentNode, operationName: string | undefined): GraphQLError {
  const names = document.definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION ? [d.name?.value ?? '(unnamed)'] : []));
  const message =
    operationName === undefined || operationName === null
      ? `The document has ${names.length} operations; \`operationName\` must name the one to run.`
      : `\`operationName\` must name an operation of the document; received ${quote(operationName)}, the document has ${
          names.length === 0 ? 'none' : names.length <= 5 ? names.join(', ') : `${names.length} operations`
        }.`;
  return new GraphQLError(message, { extensions: { code: ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE, http: { status: 400 } } });
}
