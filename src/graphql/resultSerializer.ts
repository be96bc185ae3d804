/**
 * A JSON serializer compiled for one operation's result shape: the same
 * bytes as `JSON.stringify(data)`, without discovering the shape per value.
 *
 * Why: a trusted document's result always has the shape its selection set
 * gives it, and `JSON.stringify` pays, for every object of every response,
 * for what the shape already says: which keys, in which order, and which
 * values are strings to escape, numbers to print or objects to descend into.
 * The compiled function writes the known keys as literals and calls
 * `JSON.stringify` only on leaves that need it (`leaf` below writes plain
 * strings and numbers as it would).
 *
 * Why the bytes are identical: an executor builds each result object with
 * the keys of `collectFields` in that order (graphql-js and graphql-jit
 * alike), and every selected key is present (a value or null), so walking
 * the same collected fields in the same order writes what
 * `JSON.stringify` would. What the walk cannot know it does not compile:
 * abstract types (the keys depend on the runtime type) and their subtrees
 * are handed to `JSON.stringify` whole; an operation that uses `@skip` or
 * `@include` (present keys depend on variables) gets no compiled serializer
 * at all. A key that is nevertheless absent (undefined) is left out, as
 * `JSON.stringify` does. test/unit/resultSerializer.test.ts compares both on
 * every contract query with generated values.
 *
 * The generated source is built from the schema and the document only
 * (names are written as JSON string literals), never from request data.
 *
 * Short strings of public fields (`rememberedLeaf`) are remembered with
 * their JSON text: a warm page writes the same names, ids, cursors and URLs
 * request after request, out of the same cached payloads, and checking each
 * for characters to escape and quoting it was a tenth of a warm category
 * page's CPU. What is remembered is bounded in count and length, and
 * nothing under a field or type whose cache scope is PRIVATE (the signed-in
 * user's account and orders) is remembered at all: personal data does not
 * outlive its request here.
 */
import {
  getNamedType,
  isAbstractType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  visit,
  type DocumentNode,
  type ConstDirectiveNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { collectFields, collectSubfields } from 'graphql/execution/collectFields';

/** `data` of a result, as JSON text. */
export type DataSerializer = (data: unknown) => string;

/** The operation's compiled serializer, or null when its shape cannot be known in advance (see above). */
export function compileDataSerializer(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): DataSerializer | null {
  if (usesConditionalDirectives(document)) return null;
  const root = operation.operation === 'mutation' ? schema.getMutationType() : operation.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
  if (!root) return null;
  const fragments: Record<string, FragmentDefinitionNode> = Object.create(null);
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;

  const functions: string[] = [];
  const objectFunction = (type: GraphQLObjectType, fields: Map<string, readonly FieldNode[]>, underPrivate: boolean): string => {
    const privateType = underPrivate || isPrivate(type.astNode, type.extensionASTNodes);
    const name = `o${functions.length}`;
    functions.push(''); // reserve the slot: nested objects get later numbers
    const parts: string[] = [];
    let first = true;
    for (const [responseName, nodes] of fields) {
      const fieldName = (nodes[0] as FieldNode).name.value;
      const key = JSON.stringify(responseName);
      const literal = JSON.stringify(`${first ? '' : ','}${key}:`);
      let value: string;
      if (fieldName === '__typename') value = 'L(v)';
      else {
        const field = type.getFields()[fieldName];
        if (!field) return abandon();
        value = valueCode(field.type, nodes, privateType || isPrivate(field.astNode));
      }
      // An absent key is left out; a present one is written, then later keys need their comma.
      parts.push(`v=o[${key}];if(v!==undefined){s+=${first ? literal : `(w?${literal}:${JSON.stringify(`${key}:`)})`}+${value};w=true;}`);
      first = false;
    }
    functions[Number(name.slice(1))] = `function ${name}(o){let s='{',v,w=false;${parts.join('')}return s+'}';}`;
    return name;
  };

  let failed = false;
  const abandon = (): string => {
    failed = true;
    return 'J';
  };

  // The code for `v`, a value of `type` selected by `nodes`.
  const valueCode = (type: GraphQLOutputType, nodes: readonly FieldNode[], underPrivate: boolean): string => {
    const inner = isNonNullType(type) ? type.ofType : type;
    if (isListType(inner)) {
      const item = valueCode(inner.ofType, nodes, underPrivate);
      const itemFunction = `l${functions.length}`;
      functions.push(`function ${itemFunction}(a){let s='[';for(let i=0;i<a.length;i++){const v=a[i];if(i>0)s+=',';s+=${item};}return s+']';}`);
      return `(v===null?'null':${itemFunction}(v))`;
    }
    const named = getNamedType(inner);
    if (isObjectType(named)) {
      const nested = objectFunction(named, collectSubfields(schema, fragments, {}, named, nodes as FieldNode[]), underPrivate);
      return `(v===null?'null':${nested}(v))`;
    }
    if (isAbstractType(named)) return 'J(v)';
    if (isEnumType(named)) return 'L(v)';
    // Booleans and integers print as they are; every other scalar (strings, floats, custom) as JSON does (leaf).
    if (named.name === 'Boolean') return `(v===null?'null':v?'true':'false')`;
    if (named.name === 'Int') return `(v===null?'null':''+v)`;
    return !underPrivate && (named.name === 'String' || named.name === 'ID') ? 'R(v)' : 'L(v)';
  };

  const top = objectFunction(root, collectFields(schema, fragments, {}, root, operation.selectionSet), false);
  if (failed) return null;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const make = new Function('J', 'L', 'R', `${functions.join('\n')}\nreturn function(d){return d===null?'null':${top}(d);};`) as (
    json: typeof JSON.stringify,
    leaf: (value: unknown) => string,
    remembered: (value: unknown) => string,
  ) => DataSerializer;
  return make(JSON.stringify, leaf, rememberedLeaf);
}

/** Whether a type or field definition says `@cacheControl(scope: PRIVATE)`. */
function isPrivate(...nodes: readonly (DirectiveHolder | null | undefined | readonly DirectiveHolder[])[]): boolean {
  return nodes.flat().some((node) =>
    node?.directives?.some(
      (d) => d.name.value === 'cacheControl' && d.arguments?.some((a) => a.name.value === 'scope' && a.value.kind === Kind.ENUM && a.value.value === 'PRIVATE'),
    ),
  );
}

type DirectiveHolder = { readonly directives?: readonly ConstDirectiveNode[] | undefined };

/** Strings remembered with their JSON text, and the longest one that is. */
const REMEMBERED_LEAVES = 8192;
const REMEMBERED_LENGTH = 128;
const rememberedLeaves = new Map<string, string>();

/** `leaf(value)`, remembered for short strings (public fields only: see above). */
function rememberedLeaf(value: unknown): string {
  if (typeof value !== 'string' || value.length > REMEMBERED_LENGTH) return leaf(value);
  let json = rememberedLeaves.get(value);
  if (json === undefined) {
    json = leaf(value);
    if (rememberedLeaves.size >= REMEMBERED_LEAVES) rememberedLeaves.clear();
    rememberedLeaves.set(value, json);
  }
  return json;
}

/** Whether `text` is remembered (for tests: nothing private ever is). */
export function isRememberedLeaf(text: string): boolean {
  return rememberedLeaves.has(text);
}

/** Characters JSON.stringify writes escaped: the quote, the backslash, controls, and (a lone one) a surrogate. */
const ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * A leaf value's JSON text, as `JSON.stringify` writes it: a string with nothing to escape quoted as
 * it is and a finite number printed as `String(number)` does (both what JSON.stringify does for
 * them, without a call into it per leaf); anything else by JSON.stringify itself.
 */
function leaf(value: unknown): string {
  if (typeof value === 'string') return ESCAPED.test(value) ? JSON.stringify(value) : `"${value}"`;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  return JSON.stringify(value);
}

function usesConditionalDirectives(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Directive(node) {
      if (node.name.value === 'skip' || node.name.value === 'include') found = true;
    },
  });
  return found;
}
