/**
 * Critical-path execution: start a field's downstream work as soon as the id
 * it needs is known, not when graphql-js reaches the field.
 *
 * graphql-js resolves level by level: a product's reviews are asked for only
 * after the product itself has arrived, although the reviews need nothing but
 * the id the client sent. On the web product page that is four dependent
 * downstream levels where two suffice.
 *
 * So the SDL marks the fields that need only their parent's id (`@idOnly`).
 * When a resolver knows an object's id before its payload (a root field's
 * argument, a list of recommended ids, the signed-in user's id), it calls
 * `prefetch`, which looks at the fields the document selects on that object
 * and runs the `@idOnly` ones' own resolvers at once, taken from the
 * frontend's schema (`field.resolve`), with an `{ id }` reference and the
 * arguments the document gives them. Their loads join the current batch
 * window; when graphql-js later reaches the fields, the same loads are found
 * in the request's loader memo, already done or in flight. Nothing here names
 * a type, a field or a frontend: any document that reaches an object by id
 * gets its id-only fields started early, on whichever schema declares them.
 *
 * A prefetch is a bet that the object exists. Its loads run in a
 * `PrefetchScope` (domain/interest.ts); the resolver that started it
 * abandons the scope when the object turns out missing or failed
 * (`abandonUnlessFound`), and whatever only that scope still wanted is never
 * sent, or is cancelled.
 *
 * The plan (which fields, with which AST nodes) depends only on the document,
 * which Apollo reuses across requests (and graphql-jit compiles once), so it
 * is memoised per list of field nodes; argument values and the info passed
 * are made per request, since variables differ, and shared by the request's
 * prefetches of the same field (a list of recommended products prefetches
 * each one's fields with the same arguments).
 */
import {
  getArgumentValues,
  getNamedType,
  isObjectType,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type SelectionSetNode,
} from 'graphql';
import type { RequestContext } from '../context/requestContext';
import { PrefetchScope, scopedLoaders } from '../domain/interest';
import type { PromiseOrValue } from './promiseOrValue';

/** The SDL directive that marks a field whose resolver needs only its parent's id. */
export const ID_ONLY_DIRECTIVE = 'idOnly';

/**
 * Starts the id-only fields the document selects on the object `info`
 * resolves to (the named type of the field being resolved), whose id is `id`.
 * Errors are left to the real resolution, which meets the same load. Returns
 * the prefetch's scope (null when the document selects no id-only field).
 */
export function prefetch(id: string, info: GraphQLResolveInfo, ctx: RequestContext): PrefetchScope | null {
  const plan = planFor(info);
  if (plan.length === 0) return null;
  const ref = { id };
  const scope = new PrefetchScope(ctx.prefetchScope);
  // Field by field, not `{ ...ctx }`: copying the whole operation context (which Apollo may have grown)
  // was most of a prefetch's own time; resolvers see a RequestContext and nothing else.
  const scoped: RequestContext = {
    frontend: ctx.frontend,
    requestId: ctx.requestId,
    locale: ctx.locale,
    viewer: ctx.viewer,
    loaders: scopedLoaders(ctx.loaders, scope),
    commands: ctx.commands,
    live: ctx.live,
    maxPageSize: ctx.maxPageSize,
    prefetchScope: scope,
  };
  for (const field of plan) {
    try {
      const { args, info: fieldInfo } = forRequest(field, info.variableValues);
      const started = field.resolve(ref, args, scoped, fieldInfo);
      if (started instanceof Promise) started.catch(ignore);
    } catch {
      // Bad arguments: the real resolution reports them.
    }
  }
  return scope;
}

/**
 * Whether the document selects, on the object `info` resolves to, nothing
 * but its id, `__typename` and @idOnly fields: what a bare `{ id }`
 * reference can answer without its payload (see shared/mutation.ts).
 */
export function selectsIdOnly(info: GraphQLResolveInfo): boolean {
  let answer = idOnlySelections.get(info.fieldNodes);
  if (answer === undefined) {
    const type = getNamedType(info.returnType);
    answer = false;
    if (isObjectType(type)) {
      const idOnly = idOnlyFields(type);
      const nodes: FieldNode[] = [];
      for (const node of info.fieldNodes) collect(node.selectionSet, info.fragments, nodes, new Set());
      answer = nodes.every((node) => node.name.value === 'id' || node.name.value === '__typename' || idOnly.has(node.name.value));
    }
    idOnlySelections.set(info.fieldNodes, answer);
  }
  return answer;
}

const idOnlySelections = new WeakMap<readonly FieldNode[], boolean>();

/** The object a prefetch was for, as loaded: the prefetch is abandoned when it is missing or its load failed. */
export function abandonUnlessFound<T>(loaded: PromiseOrValue<T | null>, scope: PrefetchScope | null): PromiseOrValue<T | null> {
  if (!scope) return loaded;
  if (!(loaded instanceof Promise)) {
    if (loaded === null) scope.abandon();
    return loaded;
  }
  return loaded.then(
    (value) => {
      if (value === null) scope.abandon();
      return value;
    },
    (error: unknown) => {
      scope.abandon();
      throw error;
    },
  );
}

interface PlannedField {
  node: FieldNode;
  definition: GraphQLField<unknown, unknown>;
  resolve: GraphQLFieldResolver<unknown, RequestContext>;
  /** The info the early call passes: what our resolvers read of it (fieldNodes, fragments, variables, schema). */
  info: GraphQLResolveInfo;
  /** The arguments and info of the last request's variables (one request's prefetches share them). */
  last?: { variables: GraphQLResolveInfo['variableValues']; args: Record<string, unknown>; info: GraphQLResolveInfo };
}

/** The field's arguments and info for these variables: made once per request (per variables object). */
function forRequest(field: PlannedField, variables: GraphQLResolveInfo['variableValues']): { args: Record<string, unknown>; info: GraphQLResolveInfo } {
  const last = field.last;
  if (last !== undefined && last.variables === variables) return last;
  const made = { variables, args: getArgumentValues(field.definition, field.node, variables), info: { ...field.info, variableValues: variables } };
  field.last = made;
  return made;
}

// Keyed by the field-node list: the same field reached along two paths may merge different selections.
const plans = new WeakMap<readonly FieldNode[], PlannedField[]>();

function planFor(info: GraphQLResolveInfo): PlannedField[] {
  const key = info.fieldNodes;
  let plan = plans.get(key);
  if (plan) return plan;
  plan = [];
  const type = getNamedType(info.returnType);
  if (isObjectType(type)) {
    const idOnly = idOnlyFields(type);
    const nodes: FieldNode[] = [];
    for (const node of info.fieldNodes) collect(node.selectionSet, info.fragments, nodes, new Set());
    for (const node of nodes) {
      const definition = idOnly.get(node.name.value);
      if (!definition?.resolve) continue;
      plan.push({
        node,
        definition,
        resolve: definition.resolve as GraphQLFieldResolver<unknown, RequestContext>,
        info: { ...info, fieldName: definition.name, fieldNodes: [node], returnType: definition.type, parentType: type } as GraphQLResolveInfo,
      });
    }
  }
  plans.set(key, plan);
  return plan;
}

// Per object type of a schema: its fields marked @idOnly, read once from the SDL.
const idOnlyByType = new WeakMap<GraphQLObjectType, Map<string, GraphQLField<unknown, unknown>>>();

function idOnlyFields(type: GraphQLObjectType): Map<string, GraphQLField<unknown, unknown>> {
  let fields = idOnlyByType.get(type);
  if (!fields) {
    fields = new Map();
    for (const field of Object.values(type.getFields())) {
      if (field.astNode?.directives?.some((d) => d.name.value === ID_ONLY_DIRECTIVE)) fields.set(field.name, field);
    }
    idOnlyByType.set(type, fields);
  }
  return fields;
}

function collect(
  set: SelectionSetNode | undefined,
  fragments: Record<string, FragmentDefinitionNode>,
  into: FieldNode[],
  visited: Set<string>,
): void {
  if (!set) return;
  for (const selection of set.selections) {
    if (selection.kind === 'Field') into.push(selection);
    else if (selection.kind === 'InlineFragment') collect(selection.selectionSet, fragments, into, visited);
    else if (!visited.has(selection.name.value)) {
      visited.add(selection.name.value);
      collect(fragments[selection.name.value]?.selectionSet, fragments, into, visited);
    }
  }
}

function ignore(): undefined {
  return undefined;
}
