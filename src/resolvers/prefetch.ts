/**
 * Critical-path execution: start a field's downstream work as soon as the id
 * it needs is known, not when graphql-js reaches the field.
 *
 * graphql-js resolves level by level: a product's reviews are asked for only
 * after the product itself has arrived, although the reviews need nothing but
 * the id the client sent. On the web product page that is four dependent
 * downstream levels where two suffice.
 *
 * So each type names the fields that need only its id (`ID_FIELDS`). When a
 * resolver knows an object's id before its payload (a root field's argument,
 * a list of recommended ids, the signed-in user's id), it calls `prefetch`,
 * which looks at the fields the document selects on that object and runs
 * those fields' own resolvers at once, with an `{ id }` reference and the
 * arguments the document gives them. Their loads join the current batch
 * window; when graphql-js later reaches the fields, the same loads are found
 * in the request's loader memo, already done or in flight. Nothing is
 * specific to an operation: any document that reaches a Product or an Account
 * by id gets its id-only fields started early.
 *
 * The plan (which fields, with which AST nodes) depends only on the document,
 * which Apollo reuses across requests (and graphql-jit compiles once), so it
 * is memoised per list of field nodes;
 * argument values are computed per request, since variables differ.
 */
import {
  getArgumentValues,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLResolveInfo,
  type SelectionSetNode,
} from 'graphql';
import type { RequestContext } from '../context/requestContext';
import { mobileProductResolvers } from './mobile/product';
import { accountResolvers } from './shared/account';
import { productResolvers } from './shared/product';
import { webProductResolvers } from './web/product';

type IdOnlyResolver = (ref: { id: string }, args: Record<string, unknown>, ctx: RequestContext, info: GraphQLResolveInfo) => unknown;

/** Per type, the fields whose resolvers need nothing of the parent but its id. */
type IdFields = Record<'Product' | 'Account', Record<string, IdOnlyResolver>>;

let idFields: IdFields | undefined;

/** Built on first use: the resolver modules import this one, so the table cannot be built at load time. */
function table(): IdFields {
  return (idFields ??= {
    Product: {
      rating: productResolvers.rating as IdOnlyResolver,
      recommendations: productResolvers.recommendations as IdOnlyResolver,
      reviews: webProductResolvers.reviews as IdOnlyResolver,
      topReviews: mobileProductResolvers.topReviews as IdOnlyResolver,
    },
    Account: {
      orders: accountResolvers.orders as IdOnlyResolver,
    },
  });
}

interface PlannedField {
  node: FieldNode;
  definition: GraphQLField<unknown, unknown>;
  resolve: IdOnlyResolver;
  /** The info the early call passes: what our resolvers read of it (fieldNodes, fragments, variables, schema). */
  info: GraphQLResolveInfo;
}

// Keyed by the field-node list: the same field reached along two paths may merge different selections.
const plans = new WeakMap<readonly FieldNode[], PlannedField[]>();

function planFor(typeName: keyof IdFields, info: GraphQLResolveInfo): PlannedField[] {
  const key = info.fieldNodes;
  let plan = plans.get(key);
  if (plan) return plan;
  plan = [];
  const type = info.schema.getType(typeName);
  const resolvers = table()[typeName];
  if (type && 'getFields' in type) {
    const fields = type.getFields() as Record<string, GraphQLField<unknown, unknown>>;
    const nodes: FieldNode[] = [];
    for (const node of info.fieldNodes) collect(node.selectionSet, info.fragments, nodes, new Set());
    for (const node of nodes) {
      const name = node.name.value;
      const resolve = resolvers[name];
      const definition = fields[name];
      if (!resolve || !definition) continue;
      plan.push({
        node,
        definition,
        resolve,
        info: { ...info, fieldName: name, fieldNodes: [node], returnType: definition.type } as GraphQLResolveInfo,
      });
    }
  }
  plans.set(key, plan);
  return plan;
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

const ignore = () => undefined;

/**
 * Starts the id-only fields the document selects on the object `info` resolves
 * to. Errors are left to the real resolution, which meets the same load.
 */
export function prefetch(typeName: keyof IdFields, id: string, info: GraphQLResolveInfo, ctx: RequestContext): void {
  const plan = planFor(typeName, info);
  if (plan.length === 0) return;
  const ref = { id };
  for (const field of plan) {
    try {
      const args = getArgumentValues(field.definition, field.node, info.variableValues);
      const started = field.resolve(ref, args, ctx, { ...field.info, variableValues: info.variableValues });
      if (started instanceof Promise) started.catch(ignore);
    } catch {
      // Bad arguments: the real resolution reports them.
    }
  }
}
