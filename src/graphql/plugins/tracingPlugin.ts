/**
 * The GraphQL side of a request's trace: names the request's span after its
 * operation (`query WebProductPage`, as the semantic conventions name
 * GraphQL server spans) once Apollo has resolved it, and adds one span per
 * phase under it: `graphql.parse`, `graphql.validate`, `graphql.execute`.
 * A trusted or persisted document that Apollo already holds parsed and
 * validated skips the first two, as it skips the work.
 *
 * The request's span itself is started at HTTP arrival
 * (http/tracedEndpoint.ts says why there) and kept on the request's record
 * (`spanParent`), where every hook here finds it. Execution's span is
 * handed to the request's cache session: the loaders' batch spans (and
 * under them the downstream calls) go under `graphql.execute`.
 *
 * Registered only when tracing is on (plugins/index.ts): a gateway that does
 * not trace runs none of these hooks.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import type { OperationContext } from '../../context/requestContext';
import { failed, type Tracing } from '../../telemetry/tracing';

export interface TracingPluginOptions {
  tracing: Tracing;
}

export function tracingPlugin(options: TracingPluginOptions): ApolloServerPlugin<OperationContext> {
  const { tracing } = options;
  return {
    async requestDidStart({ contextValue }) {
      const request = contextValue.record.spanParent ?? ROOT_CONTEXT;
      const requestSpan = trace.getSpan(request);
      const phase = (name: string) => {
        const span = tracing.start(name, {}, request);
        return (error?: unknown) => {
          if (error) failed(span, error);
          span.end();
        };
      };
      return {
        async parsingDidStart() {
          const end = phase('graphql.parse');
          return async (error) => end(error);
        },
        async validationDidStart() {
          const end = phase('graphql.validate');
          return async (errors) => end(errors?.[0]);
        },
        // Before any await: the plugins after this one (limits, budgets) may refuse the operation, and its span is named all the same.
        async didResolveOperation({ operation, operationName }) {
          if (!operation) return;
          const type = operation.operation;
          requestSpan?.updateName(operationName ? `${type} ${operationName}` : type);
          requestSpan?.setAttributes({ 'graphql.operation.type': type, ...(operationName ? { 'graphql.operation.name': operationName } : {}) });
        },
        async executionDidStart({ contextValue }) {
          const span = tracing.start('graphql.execute', {}, request);
          contextValue.session.spanParent = tracing.within(request, span);
          return {
            async executionDidEnd(error) {
              if (error) failed(span, error);
              span.end();
            },
          };
        },
        async didEncounterErrors({ errors }) {
          // The codes only (never messages: they may carry input), as a GraphQL error in a 200 is no failed request.
          const codes = [...new Set(errors.map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR')))];
          requestSpan?.setAttribute('bff.graphql.error_codes', codes);
        },
      };
    },
  };
}
