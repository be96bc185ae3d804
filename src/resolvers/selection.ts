/**
 * Looks ahead into a field's selection set: which fields will be asked of the
 * value this resolver returns?
 *
 * Why: a resolver that knows ids before it has the objects (recommendations
 * return ids; a review just written has only its product's id) can start the
 * loads its children will need in the same tick, instead of one level later.
 *
 * The answer depends only on the document, and Apollo reuses a parsed
 * document across requests, so it is memoised per field node: after the first
 * request, a lookup is one WeakMap hit. `@skip`/`@include` are ignored: at
 * worst a load starts for a field that is then skipped.
 */
import type { FieldNode, FragmentDefinitionNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';

const memo = new WeakMap<FieldNode, ReadonlySet<string>>();

export function selectedFields(info: GraphQLResolveInfo): ReadonlySet<string> {
  const first = info.fieldNodes[0] as FieldNode;
  let fields = memo.get(first);
  if (!fields) {
    const names = new Set<string>();
    for (const node of info.fieldNodes) collect(node.selectionSet, info.fragments, names, new Set());
    fields = names;
    memo.set(first, fields);
  }
  return fields;
}

function collect(
  set: SelectionSetNode | undefined,
  fragments: Record<string, FragmentDefinitionNode>,
  into: Set<string>,
  visited: Set<string>,
): void {
  if (!set) return;
  for (const selection of set.selections) {
    if (selection.kind === 'Field') into.add(selection.name.value);
    else if (selection.kind === 'InlineFragment') collect(selection.selectionSet, fragments, into, visited);
    else if (!visited.has(selection.name.value)) {
      visited.add(selection.name.value);
      collect(fragments[selection.name.value]?.selectionSet, fragments, into, visited);
    }
  }
}
