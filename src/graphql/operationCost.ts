/**
 * The estimated cost of an operation, in the IBM / Apollo demand-control
 * model, from what the SDL declares:
 *
 * - `@cost(weight:)` on a field, or on the type it returns, is what resolving
 *   it costs; without one, a field returning an object costs 1 and a scalar
 *   or enum 0. The schema gives fields that need a downstream call of their
 *   own a higher weight.
 * - `@listSize` says how many items a list field returns: the value of its
 *   `slicingArguments` (`first`), from the request's variables or the
 *   argument's default, else `assumedSize`, else `DEFAULT_LIST_SIZE`. With
 *   `sizedFields`, the size applies to those child lists of the field's
 *   result (a connection's `edges`) rather than to the field itself.
 * - A field costs `(its list size or 1) × (its weight + the cost of its
 *   selection)`; an operation costs the sum of its root fields.
 *
 * Why per request: the slicing arguments are usually variables, so one
 * document's cost depends on the request. Fragments are costed once per
 * request each, so nothing here is exponential in the document.
 * `rememberedOperationCost` keeps the answer per operation and per value of
 * the few variables that can change it (those given to a slicing argument),
 * so a document sent again (a trusted one, above all) costs a lookup.
 */
import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  Kind,
  valueFromAST,
  type ConstDirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  visit,
} from 'graphql';

/** The size assumed for a list field that declares none. */
export const DEFAULT_LIST_SIZE = 10;

interface ListSize {
  assumedSize: number | undefined;
  slicingArguments: readonly string[];
  sizedFields: readonly string[];
}

/** The operation's estimated cost for these variables. */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
): number {
  const values = withDefaults(operation, variables ?? {});
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const fragmentCosts = new Map<string, number>();

  const selectionCost = (set: SelectionSetNode, parent: GraphQLNamedType, sized: ReadonlyMap<string, number>): number => {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) total += fieldCost(selection, parent, sized);
      else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (type) total += selectionCost(selection.selectionSet, type, sized);
      } else {
        const name = selection.name.value;
        let cost = fragmentCosts.get(name);
        if (cost === undefined) {
          const fragment = fragments.get(name);
          const type = fragment ? schema.getType(fragment.typeCondition.name.value) : undefined;
          cost = fragment && type ? selectionCost(fragment.selectionSet, type, NONE) : 0;
          fragmentCosts.set(name, cost);
        }
        total += cost;
      }
    }
    return total;
  };

  const fieldCost = (node: FieldNode, parent: GraphQLNamedType, sized: ReadonlyMap<string, number>): number => {
    if (!('getFields' in parent)) return 0;
    const field = parent.getFields()[node.name.value] as GraphQLField<unknown, unknown> | undefined;
    if (!field) return 0; // __typename and introspection meta-fields
    const type = getNamedType(field.type);
    const weight = costOf(field.astNode?.directives) ?? costOf(type.astNode?.directives) ?? (isCompositeType(type) ? 1 : 0);
    const listSize = listSizeOf(field);
    const size = listSize ? sizeOf(listSize, field, node, values) : DEFAULT_LIST_SIZE;
    // A connection passes its size down to the lists it names; a list field multiplies its own cost.
    const sizesChildren = listSize !== null && listSize.sizedFields.length > 0;
    const multiplier = !sizesChildren && isListType(getNullableType(field.type)) ? (sized.get(node.name.value) ?? size) : 1;
    const passDown = sizesChildren ? new Map(listSize.sizedFields.map((f) => [f, size])) : NONE;
    const children = node.selectionSet ? selectionCost(node.selectionSet, type, passDown) : 0;
    return multiplier * (weight + children);
  };

  const root = operation.operation === 'mutation' ? schema.getMutationType() : operation.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
  return root ? selectionCost(operation.selectionSet, root, NONE) : 0;
}

const NONE: ReadonlyMap<string, number> = new Map();

/** Costs remembered per operation; at most this many variable combinations each. */
const REMEMBERED_PER_OPERATION = 64;

interface RememberedCosts {
  /** The variables given to a slicing argument anywhere in the document: the only ones the cost reads. */
  variables: readonly string[];
  costs: Map<string, number>;
}

const remembered = new WeakMap<OperationDefinitionNode, RememberedCosts>();

/** `operationCost`, remembered per operation and per value of the variables that can change it. */
export function rememberedOperationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
): number {
  let entry = remembered.get(operation);
  if (!entry) remembered.set(operation, (entry = { variables: slicingVariables(schema, document), costs: new Map() }));
  let key = '';
  for (const name of entry.variables) key += `${keyPart(variables?.[name])},`;
  let cost = entry.costs.get(key);
  if (cost === undefined) {
    cost = operationCost(schema, document, operation, variables);
    if (entry.costs.size >= REMEMBERED_PER_OPERATION) entry.costs.clear();
    entry.costs.set(key, cost);
  }
  return cost;
}

/** `String(JSON.stringify(value))`, without the call for the usual values of a slicing variable (a number, or none). */
function keyPart(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return String(JSON.stringify(value));
}

/** Variables used in an argument that is a slicing argument of some field of the schema (an over-approximation: any field's). */
function slicingVariables(schema: GraphQLSchema, document: DocumentNode): string[] {
  const names = slicingArgumentNames(schema);
  const found = new Set<string>();
  visit(document, {
    Argument(node) {
      if (!names.has(node.name.value)) return;
      visit(node.value, {
        Variable(variable) {
          found.add(variable.name.value);
        },
      });
    },
  });
  return [...found].sort();
}

const slicingNames = new WeakMap<GraphQLSchema, Set<string>>();

function slicingArgumentNames(schema: GraphQLSchema): Set<string> {
  let names = slicingNames.get(schema);
  if (names) return names;
  names = new Set();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!('getFields' in type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields()) as GraphQLField<unknown, unknown>[]) {
      for (const name of listSizeOf(field)?.slicingArguments ?? []) names.add(name);
    }
  }
  slicingNames.set(schema, names);
  return names;
}

function directiveArgument(directives: readonly ConstDirectiveNode[] | undefined, directive: string, argument: string) {
  return directives?.find((d) => d.name.value === directive)?.arguments?.find((a) => a.name.value === argument)?.value;
}

function costOf(directives: readonly ConstDirectiveNode[] | undefined): number | undefined {
  const weight = directiveArgument(directives, 'cost', 'weight');
  return weight?.kind === Kind.INT ? Number(weight.value) : undefined;
}

const listSizes = new WeakMap<GraphQLField<unknown, unknown>, ListSize | null>();

function listSizeOf(field: GraphQLField<unknown, unknown>): ListSize | null {
  let found = listSizes.get(field);
  if (found !== undefined) return found;
  const directives = field.astNode?.directives;
  const strings = (name: string) => {
    const value = directiveArgument(directives, 'listSize', name);
    return value?.kind === Kind.LIST ? value.values.flatMap((v) => (v.kind === Kind.STRING ? [v.value] : [])) : [];
  };
  const assumed = directiveArgument(directives, 'listSize', 'assumedSize');
  found = directives?.some((d) => d.name.value === 'listSize')
    ? { assumedSize: assumed?.kind === Kind.INT ? Number(assumed.value) : undefined, slicingArguments: strings('slicingArguments'), sizedFields: strings('sizedFields') }
    : null;
  listSizes.set(field, found);
  return found;
}

/** The largest slicing argument the request gives (or its default), else the assumed size. */
function sizeOf(listSize: ListSize, field: GraphQLField<unknown, unknown>, node: FieldNode, variables: Record<string, unknown>): number {
  let size: number | undefined;
  for (const name of listSize.slicingArguments) {
    const argument = field.args.find((a) => a.name === name);
    if (!argument) continue;
    const given = node.arguments?.find((a) => a.name.value === name);
    const value = (given ? valueFromAST(given.value, argument.type, variables) : undefined) ?? argument.defaultValue;
    if (typeof value === 'number' && Number.isFinite(value)) size = Math.max(size ?? 0, value);
  }
  return Math.max(0, size ?? listSize.assumedSize ?? DEFAULT_LIST_SIZE);
}

/** The request's variables, with the operation's defaults for those it left out. */
function withDefaults(operation: OperationDefinitionNode, variables: Record<string, unknown>): Record<string, unknown> {
  let values = variables;
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (values[name] === undefined && definition.defaultValue?.kind === Kind.INT) {
      if (values === variables) values = { ...variables };
      values[name] = Number(definition.defaultValue.value);
    }
  }
  return values;
}
