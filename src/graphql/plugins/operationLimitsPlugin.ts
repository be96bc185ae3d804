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
 * fail with a 500).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { GraphQLError, Kind, type DocumentNode } from 'graphql';
import type { OperationLimits } from '../../config';
import type { OperationContext } from '../../context/requestContext';
import { operationLimitExceeded, quote, type LimitRule } from '../../errors/catalogue';
import { rememberedOperationCost } from '../operationCost';
import { operationShape, type OperationShape } from '../operationShape';

export interface OperationLimitsPluginOptions {
  /** The bounds (0 turns one off); defaults in config.ts. */
  limits: OperationLimits;
}

const RULES: readonly [LimitRule, keyof OperationShape, keyof OperationLimits, string][] = [
  ['depth', 'depth', 'maxDepth', 'Fields may nest at most {limit} levels deep; this operation nests {value}.'],
  ['aliases', 'aliases', 'maxAliases', 'An operation may use at most {limit} aliases; this one uses {value}.'],
  ['rootFields', 'rootFields', 'maxRootFields', 'An operation may select at most {limit} root fields; this one selects {value}.'],
  ['directives', 'directives', 'maxDirectives', 'A document may use at most {limit} directives; this one uses {value}.'],
  ['fragmentSpreads', 'fragmentSpreads', 'maxFragmentSpreads', 'An operation may spread fragments at most {limit} times; this one spreads them {value} times.'],
];

export function operationLimitsPlugin(options: OperationLimitsPluginOptions): ApolloServerPlugin<OperationContext> {
  const { limits } = options;
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, document, operation, request, schema }) {
          if (!operation) throw unresolvedOperation(document, request.operationName);
          const { record } = contextValue;
          const trusted = record.trustedDocument !== undefined;
          if (!trusted) {
            const shape = operationShape(document, operation);
            for (const [rule, measure, bound, message] of RULES) {
              const limit = limits[bound];
              const value = shape[measure];
              if (limit > 0 && value > limit) {
                record.rejection = rejectionOf(rule);
                throw operationLimitExceeded(rule, limit, value, fill(message, limit, value));
              }
            }
          }
          const cost = rememberedOperationCost(schema, document, operation, request.variables);
          if (!trusted && limits.maxCost > 0 && cost > limits.maxCost) {
            record.rejection = 'cost';
            throw operationLimitExceeded(
              'cost',
              limits.maxCost,
              cost,
              fill('An operation may cost at most {limit} (estimated from @cost weights and @listSize sizes); this one costs {value}.', limits.maxCost, cost),
            );
          }
          // Set only for an operation that will run, and before this hook's first await: Apollo
          // starts every plugin's didResolveOperation at once, and the budgets read it.
          record.cost = cost;
        },
      };
    },
  };
}

/** A rule as the rejections metric names it (snake case). */
export function rejectionOf(rule: LimitRule): string {
  return rule.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function fill(message: string, limit: number, value: number): string {
  return message.replace('{limit}', String(limit)).replace('{value}', String(value));
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
