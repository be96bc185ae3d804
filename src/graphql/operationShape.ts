/**
 * The shape of an operation, measured once per document: how deep it nests,
 * how many aliases, root fields, directives, fragment spreads and fields it
 * has. The operation limits (operationLimitsPlugin.ts) compare these with
 * their bounds, the executor (compiledExecutor.ts) decides from `fields`
 * whether a document is small enough to compile, and tests print them for
 * the contract operations.
 *
 * Why our own visitor rather than graphql-armor's depth and alias rules:
 * those report the value they found only inside an error message, while the
 * limits' errors, the diagnostics and the tests need it as a number, and one
 * pass measures everything. Fragments are expanded where they are spread
 * (aliases, spreads and fields count once per spread, as they execute), each
 * fragment measured once, so a "fragment bomb" that doubles at every level
 * is measured in linear time and refused by its (huge) counts. The document
 * has passed validation (no fragment cycles) when this runs.
 */
import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

export interface OperationShape {
  /** Deepest field nesting; a root field is depth 1, and an introspection field (`__schema`, `__type`) counts as one level. */
  depth: number;
  /** Aliased fields (other than `__typename`), fragments expanded. */
  aliases: number;
  /** Fields selected on the root type, fragments expanded. */
  rootFields: number;
  /** Directives written anywhere in the document. */
  directives: number;
  /** Fragment spreads, counted as they are reached (a spread inside a fragment spread twice counts twice). */
  fragmentSpreads: number;
  /** Fields, fragments expanded: what execution would walk. */
  fields: number;
}

interface Counts {
  depth: number;
  aliases: number;
  spreads: number;
  fields: number;
}

const shapes = new WeakMap<OperationDefinitionNode, OperationShape>();
const INTROSPECTION = new Set(['__schema', '__type']);

/** The shape of one operation of a (valid) document; memoised per operation node. */
export function operationShape(document: DocumentNode, operation: OperationDefinitionNode): OperationShape {
  let shape = shapes.get(operation);
  if (shape) return shape;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const memo = new Map<string, Counts>();

  const measure = (set: SelectionSetNode): Counts => {
    const counts: Counts = { depth: 0, aliases: 0, spreads: 0, fields: 0 };
    for (const selection of set.selections) {
      let inner: Counts | undefined;
      if (selection.kind === Kind.FIELD) {
        counts.fields++;
        if (selection.alias && selection.name.value !== '__typename') counts.aliases++;
        inner = selection.selectionSet ? measure(selection.selectionSet) : undefined;
        // Introspection nests `ofType` a dozen levels deep over a static schema: its depth is not the data's.
        counts.depth = Math.max(counts.depth, 1 + (INTROSPECTION.has(selection.name.value) ? 0 : (inner?.depth ?? 0)));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        inner = measure(selection.selectionSet);
        counts.depth = Math.max(counts.depth, inner.depth);
      } else {
        counts.spreads++;
        inner = fragmentCounts(selection.name.value);
        counts.depth = Math.max(counts.depth, inner.depth);
      }
      if (inner) {
        counts.aliases += inner.aliases;
        counts.spreads += inner.spreads;
        counts.fields += inner.fields;
      }
    }
    return counts;
  };

  const fragmentCounts = (name: string): Counts => {
    let counts = memo.get(name);
    if (!counts) {
      const fragment = fragments.get(name);
      counts = fragment ? measure(fragment.selectionSet) : { depth: 0, aliases: 0, spreads: 0, fields: 0 };
      memo.set(name, counts);
    }
    return counts;
  };

  const root = measure(operation.selectionSet);
  shape = {
    depth: root.depth,
    aliases: root.aliases,
    rootFields: rootFieldCount(operation.selectionSet, fragments, new Set()),
    directives: directiveCount(document),
    fragmentSpreads: root.spreads,
    fields: root.fields,
  };
  shapes.set(operation, shape);
  return shape;
}

function rootFieldCount(set: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, seen: Set<string>): number {
  let count = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) count++;
    else if (selection.kind === Kind.INLINE_FRAGMENT) count += rootFieldCount(selection.selectionSet, fragments, seen);
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      if (fragment) count += rootFieldCount(fragment.selectionSet, fragments, seen);
    }
  }
  return count;
}

/** Directives written in the document (on operations, fields, fragments, variables). */
function directiveCount(document: DocumentNode): number {
  let count = 0;
  const stack: unknown[] = [...document.definitions];
  while (stack.length > 0) {
    const node = stack.pop() as Record<string, unknown>;
    if (node.kind === Kind.DIRECTIVE) count++;
    for (const key of ['directives', 'selectionSet', 'selections', 'variableDefinitions'] as const) {
      const child = node[key];
      if (Array.isArray(child)) stack.push(...child);
      else if (child && typeof child === 'object') stack.push(child);
    }
  }
  return count;
}
