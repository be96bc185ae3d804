/**
 * Executes operations with graphql-jit, behind Apollo Server (its executor
 * hook) and in the fast lane (fastLane/), the same way in both.
 *
 * Why: profiling the warm path (every entity in this process's cache) showed
 * graphql-js's generic executor as the largest single cost: for each of the
 * hundreds of fields of a product page it looks up the field definition,
 * coerces arguments (even for fields without any), and builds completion
 * state. graphql-jit compiles a document once into a plain function that
 * does only what that document needs. Apollo still parses, validates,
 * resolves persisted queries, runs every plugin and formats errors; only
 * `execute` changes, through Apollo's executor hook (the `gateway` option).
 *
 * Compiled queries are kept per document (Apollo reuses a parsed document
 * across requests) and operation name, in a bounded LRU: a client that sends
 * many different documents cannot make the gateway hold a compiled function
 * for each. The trusted documents are compiled when the gateway starts and
 * kept for its life. Only documents that passed validation and the operation
 * limits get here, and one still too wide to compile safely (more than
 * `maxCompiledFields` fields, fragments expanded: compiling cost grows with
 * it, and a very wide one exhausted the heap) runs on graphql-js instead.
 * Two more things stay with graphql-js: introspection (rare, and the
 * reference implementation is the safe answer), and the words of variable
 * coercion errors, which are answered with HTTP 400 BAD_USER_INPUT as Apollo
 * answers them (the compiled query finds them; graphql-js words them).
 */
import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import {
  execute as executeOnGraphQLJs,
  getVariableValues,
  GraphQLError,
  printSchema,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';
import { ErrorCode } from '../errors/catalogue';
import { operationShape } from './operationShape';

type Compiled = CompiledQuery | ExecutionResult | 'graphql-js';

export interface CompiledExecutorOptions {
  /** Documents kept compiled (trusted ones are kept besides). Default 500. */
  compiledDocuments: number;
  /** Fields (fragments expanded) above which a document runs on graphql-js instead. Default 2000. */
  maxCompiledFields: number;
  /** Compiled at start and kept: the trusted documents. */
  pinned?: Iterable<DocumentNode>;
}

/**
 * How documents are compiled. `disableLeafSerialization`: graphql-jit writes
 * a built-in scalar or enum leaf as the value the resolver gave, instead of
 * passing it to the type's `serialize` through a runtime call with the
 * field's locations and path as fresh literals: some 150 bytes and three
 * calls per leaf on every request, a third of what a warm category page
 * allocated (500 leaves). The values are what `serialize` would return
 * already: every downstream payload is checked against the contract before
 * any resolver sees it (contract/validate.ts: strings, integers within
 * their bounds and, where the schema answers them as `Int`, within its
 * 32-bit range, finite numbers, enum values from their lists), and the
 * gateway's own resolvers are typed by the generated resolver types. A
 * null in a non-null leaf is still an error (graphql-jit checks it either
 * way); custom scalars (Date, DateTime) are still serialized.
 */
const JIT_OPTIONS = { disablingCapturingStackErrors: true, disableLeafSerialization: true } as const;

function isIntrospection(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.some(
    (s) => s.kind === 'Field' && (s.name.value === '__schema' || s.name.value === '__type'),
  );
}

/**
 * graphql-jit reports an error thrown without `extensions` (a scalar that
 * refuses a value, a plain Error) as an error whose `extensions` is undefined,
 * where graphql-js and Apollo expect an object. Such errors are rebuilt as
 * graphql-js errors with the same message, path and locations.
 */
function withExtensions(result: ExecutionResult): ExecutionResult {
  if (!result.errors?.some((e) => !e.extensions)) return result;
  return {
    ...result,
    errors: result.errors.map((e) => {
      if (e.extensions) return e;
      const copy = new GraphQLError(e.message, { path: e.path, originalError: e.originalError ?? undefined });
      (copy as { locations: GraphQLError['locations'] }).locations = e.locations;
      if (!e.originalError && e.stack) copy.stack = e.stack;
      return copy;
    }),
  };
}

function badUserInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, http: { status: 400 } } });
}

/** Runs operations: the trusted documents compiled at start, others compiled on first use (bounded). */
export interface CompiledOperations {
  /**
   * Executes `operation` of `document` as Apollo's executor hook would:
   * variables coerced first (an error is thrown as BAD_USER_INPUT, HTTP 400),
   * then the compiled query, or graphql-js where compiling is not safe.
   */
  execute(document: DocumentNode, operation: OperationDefinitionNode, operationName: string | null, variables: Record<string, unknown> | undefined, context: unknown): Promise<ExecutionResult>;
  /** The same executor, as Apollo's `gateway` option takes it. */
  gateway(): GatewayInterface;
}

export function compiledOperations(schema: GraphQLSchema, options: CompiledExecutorOptions): CompiledOperations {
  const cached = new LRUCache<DocumentNode, Map<string, Compiled>>({ max: Math.max(1, options.compiledDocuments) });
  const pinned = new Map<DocumentNode, Map<string, Compiled>>();

  function compile(document: DocumentNode, operation: OperationDefinitionNode, operationName: string | null): Compiled {
    let byName = pinned.get(document) ?? cached.get(document);
    if (!byName) cached.set(document, (byName = new Map()));
    const key = operationName ?? '';
    let query = byName.get(key);
    if (!query) {
      query =
        isIntrospection(operation) || operationShape(document, operation).fields > options.maxCompiledFields
          ? 'graphql-js'
          : compileQuery(schema, document, operationName ?? undefined, JIT_OPTIONS);
      byName.set(key, query);
    }
    return query;
  }

  for (const document of options.pinned ?? []) {
    const byName = new Map<string, Compiled>();
    pinned.set(document, byName);
    for (const definition of document.definitions) {
      if (definition.kind === 'OperationDefinition') compile(document, definition, definition.name?.value ?? null);
    }
  }

  /** Throws BAD_USER_INPUT (HTTP 400) with graphql-js's message for the first variable it cannot coerce. */
  function checkVariables(operation: OperationDefinitionNode, variables: Record<string, unknown>): void {
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
    if (coerced.errors) throw badUserInput((coerced.errors[0] as GraphQLError).message);
  }

  function interpret(document: DocumentNode, operationName: string | null, variables: Record<string, unknown>, context: unknown): Promise<ExecutionResult> | ExecutionResult {
    return executeOnGraphQLJs({ schema, document, operationName, variableValues: variables, contextValue: context });
  }

  async function execute(
    document: DocumentNode,
    operation: OperationDefinitionNode,
    operationName: string | null,
    given: Record<string, unknown> | undefined,
    context: unknown,
  ): Promise<ExecutionResult> {
    const variables = given ?? {};
    const query = compile(document, operation, operationName);
    if (query === 'graphql-js' || !isCompiledQuery(query)) {
      checkVariables(operation, variables);
      return query === 'graphql-js' ? interpret(document, operationName, variables, context) : query;
    }
    // The compiled query coerces the variables itself, before it runs anything, and answers ones it
    // cannot coerce with errors and no data: only then is graphql-js asked, for its own words (what a
    // request not compiled would be told). Coercing them twice was 1.5 % of a warm product page.
    // Nothing ran yet, so running on graphql-js after a refusal graphql-js does not share is safe.
    const result = query.query(undefined, context, variables) as Promise<ExecutionResult> | ExecutionResult;
    if (!(result instanceof Promise) && result.data === undefined && result.errors?.length) {
      checkVariables(operation, variables);
      // graphql-js takes what graphql-jit refused (a non-null variable left to its default does that):
      // graphql-js's answer stands, as it does for a document that is not compiled.
      return interpret(document, operationName, variables, context);
    }
    return result instanceof Promise ? result.then(withExtensions) : withExtensions(result);
  }

  const executor: GatewayExecutor = (rc) => execute(rc.document, rc.operation, rc.operationName, rc.request.variables, rc.context);
  const sdl = printSchema(schema);
  const gateway: GatewayInterface = {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: sdl });
      return () => undefined;
    },
    async load() {
      return { executor };
    },
    async stop() {},
  };
  return { execute, gateway: () => gateway };
}
