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
 * The listener is one object per request whose hooks are its class's
 * methods, and each hook returns its value itself, not a promise of it:
 * every traced request runs them, and a closure or a promise per hook is
 * an allocation the request pays for in garbage collection, and an await
 * in the fast lane (fastLane/requestLifecycle.ts goes on at once when no
 * hook of a phase returned a promise). Apollo awaits whatever a hook
 * returns, so behind Apollo they behave as `async` hooks would; their
 * types are Apollo's, which say promises, hence the one cast below.
 *
 * Registered only when tracing is on (plugins/index.ts): a gateway that does
 * not trace runs none of these hooks.
 */
import type { ApolloServerPlugin, GraphQLRequestContext, GraphQLRequestListener } from '@apollo/server';
import { ROOT_CONTEXT, trace, type Context, type Span } from '@opentelemetry/api';
import type { GraphQLError } from 'graphql';
import type { OperationContext } from '../../context/requestContext';
import { failed, type Tracing } from '../../telemetry/tracing';

export interface TracingPluginOptions {
  tracing: Tracing;
}

export function tracingPlugin(options: TracingPluginOptions): ApolloServerPlugin<OperationContext> {
  const { tracing } = options;
  return {
    requestDidStart: (rc) => new RequestSpans(tracing, rc.contextValue.record.spanParent ?? ROOT_CONTEXT) as unknown as Promise<GraphQLRequestListener<OperationContext>>,
  };
}

/** `query WebProductPage`, made once per operation rather than per request (at most a few thousand kept). */
const NAMES = new Map<string, Map<string, string>>();
function spanName(type: string, operationName: string): string {
  let byName = NAMES.get(type);
  if (!byName) NAMES.set(type, (byName = new Map()));
  let name = byName.get(operationName);
  if (name === undefined) {
    name = `${type} ${operationName}`;
    if (byName.size < 5000) byName.set(operationName, name);
  }
  return name;
}

type Rc = GraphQLRequestContext<OperationContext>;

/** Apollo's request listener, but for the types of its hooks' values (above). */
class RequestSpans {
  private readonly span: Span | undefined;

  constructor(
    private readonly tracing: Tracing,
    private readonly request: Context,
  ) {
    this.span = trace.getSpan(request);
  }

  parsingDidStart(): (error?: Error) => void {
    const end = this.phase('graphql.parse');
    return (error?: Error) => end(error);
  }

  validationDidStart(): (errors?: readonly Error[]) => void {
    const end = this.phase('graphql.validate');
    return (errors?: readonly Error[]) => end(errors?.[0]);
  }

  // Before any await: the plugins after this one (limits, budgets) may refuse the operation, and its span is named all the same.
  didResolveOperation({ operation, operationName }: Rc): void {
    if (!operation || !this.span) return;
    const type = operation.operation;
    this.span.updateName(operationName ? spanName(type, operationName) : type);
    this.span.setAttribute('graphql.operation.type', type);
    if (operationName) this.span.setAttribute('graphql.operation.name', operationName);
  }

  executionDidStart({ contextValue }: Rc): ExecutionSpan {
    const span = this.tracing.start('graphql.execute', {}, this.request);
    contextValue.session.spanParent = this.tracing.within(this.request, span);
    return new ExecutionSpan(span);
  }

  didEncounterErrors({ errors }: Rc): void {
    // The codes only (never messages: they may carry input), as a GraphQL error in a 200 is no failed request.
    const codes = [...new Set((errors as readonly GraphQLError[]).map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR')))];
    this.span?.setAttribute('bff.graphql.error_codes', codes);
  }

  private phase(name: string): (error?: unknown) => void {
    const span = this.tracing.start(name, {}, this.request);
    return (error) => {
      if (error) failed(span, error);
      span.end();
    };
  }
}

/** Apollo's execution listener, but for the type of its hook's value (above). */
class ExecutionSpan {
  constructor(private readonly span: Span) {}

  executionDidEnd(error?: Error): void {
    if (error) failed(this.span, error);
    this.span.end();
  }
}
