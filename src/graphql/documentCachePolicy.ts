/**
 * How long a document's response may be cached, and by whom, from the
 * schema's `@cacheControl` hints.
 *
 * Apollo's cache-control plugin computes this while executing, with a hook on
 * every resolved field. Our hints are all static (on types and fields of the
 * SDL), so the answer depends only on the document, which Apollo reuses
 * across requests: computing it once per document and remembering it removes
 * a per-field hook (and the resolver wrapping it forces) from every request.
 *
 * The rules are Apollo's: a field returning an object type takes that type's
 * hint unless it (or the type) says `inheritMaxAge`; a field's own hint
 * overrides; a root field, or a field returning an object type, without any
 * maxAge gets 0 (uncacheable); scalars inherit. The response's policy is the
 * smallest maxAge and the most private scope of all its fields. The one
 * dynamic case in our schema (a signed-in user's recent orders) needs no
 * hint: signed-in responses are never cached and are sent `private, no-store`.
 */
import {
  getNamedType,
  isCompositeType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type ConstDirectiveNode,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';

export interface CachePolicy {
  maxAge: number;
  scope: 'PUBLIC' | 'PRIVATE';
}

interface Hint {
  maxAge?: number;
  scope?: 'PUBLIC' | 'PRIVATE';
  inheritMaxAge?: boolean;
}

const memo = new WeakMap<DocumentNode, CachePolicy | null>();
const NO_HINT: Hint = {};

function hintOf(directives: readonly ConstDirectiveNode[] | undefined): Hint {
  const directive = directives?.find((d) => d.name.value === 'cacheControl');
  if (!directive) return NO_HINT;
  const hint: Hint = {};
  for (const arg of directive.arguments ?? []) {
    if (arg.name.value === 'maxAge' && arg.value.kind === Kind.INT) hint.maxAge = Number(arg.value.value);
    if (arg.name.value === 'scope' && arg.value.kind === Kind.ENUM) hint.scope = arg.value.value as Hint['scope'];
    if (arg.name.value === 'inheritMaxAge' && arg.value.kind === Kind.BOOLEAN) hint.inheritMaxAge = arg.value.value;
  }
  return hint;
}

/** The document's policy, or null when it may not be cached at all. */
export function documentCachePolicy(schema: GraphQLSchema, document: DocumentNode): CachePolicy | null {
  if (memo.has(document)) return memo.get(document) as CachePolicy | null;
  let maxAge = Infinity;
  let scope: CachePolicy['scope'] = 'PUBLIC';
  const roots = new Set<unknown>([schema.getQueryType(), schema.getMutationType()].filter(Boolean));
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      OperationDefinition(node) {
        if (node.operation !== 'query') maxAge = 0;
      },
      Field() {
        const field = typeInfo.getFieldDef();
        const parent = typeInfo.getParentType();
        if (!field || !parent) return;
        const target = getNamedType(field.type);
        let policy: Hint = {};
        let inherit = false;
        if (isCompositeType(target)) {
          const typeHint = hintOf(target.astNode?.directives);
          policy = { ...typeHint };
          inherit = !!typeHint.inheritMaxAge;
        }
        const fieldHint = hintOf(field.astNode?.directives);
        if (fieldHint.inheritMaxAge && policy.maxAge === undefined) {
          inherit = true;
          if (fieldHint.scope) policy.scope = fieldHint.scope;
        } else {
          if (fieldHint.maxAge !== undefined) policy.maxAge = fieldHint.maxAge;
          if (fieldHint.scope) policy.scope = fieldHint.scope;
        }
        if (policy.maxAge === undefined && ((isCompositeType(target) && !inherit) || roots.has(parent))) policy.maxAge = 0;
        if (policy.maxAge !== undefined) maxAge = Math.min(maxAge, policy.maxAge);
        if (policy.scope === 'PRIVATE') scope = 'PRIVATE';
      },
    }),
  );
  const result = maxAge > 0 && maxAge !== Infinity ? { maxAge, scope } : null;
  memo.set(document, result);
  return result;
}
