/**
 * A JSON serializer compiled for one operation's result shape: the same
 * bytes as `JSON.stringify(data)`, without discovering the shape per value.
 *
 * Why: a trusted document's result always has the shape its selection set
 * gives it, and `JSON.stringify` pays, for every object of every response,
 * for what the shape already says: which keys, in which order, and which
 * values are strings to escape, numbers to print or objects to descend into.
 * The compiled function writes the known keys as literals and calls
 * `JSON.stringify` only on values that need it (abstract types, strings with
 * characters to escape, custom scalars).
 *
 * Why bytes, not a string: the body goes to the socket as UTF-8 bytes. A
 * string built by concatenation is a tree of pieces, and turning it into
 * bytes first flattened that tree and then encoded it: on a warm category
 * page (12 KB, 600 leaves) that cost more than building it (CPU profile:
 * `Buffer.from` was a seventh of the request). So the compiled functions
 * write UTF-8 into a scratch buffer of their own as they walk, keys as
 * byte stores in the generated code, and the result is one copy out of it.
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
 * Short strings of public fields are remembered with the bytes of their
 * JSON text: a warm page writes the same names, ids, cursors and URLs
 * request after request, out of the same cached payloads, and checking each
 * for characters to escape and encoding it was a tenth of a warm category
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

/**
 * `data` of a result, as the UTF-8 bytes of its JSON text, written after
 * `head` and before `tail` (a response body's `{"data":` and `}`).
 */
export type DataSerializer = (data: unknown, head: Uint8Array, tail: Uint8Array) => Buffer;

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
      let value: string;
      if (fieldName === '__typename') value = 'L(v);';
      else {
        const field = type.getFields()[fieldName];
        if (!field) return abandon();
        value = valueCode(field.type, nodes, privateType || isPrivate(field.astNode));
      }
      // An absent key is left out; a present one is written (its bytes as stores: no call, no loop),
      // then later keys need their comma.
      const key = Buffer.from(`${JSON.stringify(responseName)}:`, 'utf8');
      const stores = [...key].map((byte) => `B[p++]=${byte};`).join('');
      parts.push(`v=o[${JSON.stringify(responseName)}];if(v!==undefined){E(${key.length + 1});${first ? '' : 'if(w)B[p++]=44;'}${stores}${value}w=true;}`);
      first = false;
    }
    functions[Number(name.slice(1))] = `function ${name}(o){let v,w=false;E(1);B[p++]=123;${parts.join('')}E(1);B[p++]=125;}`;
    return name;
  };

  let failed = false;
  const abandon = (): string => {
    failed = true;
    return 'J(v);';
  };

  // The statement that writes `v`, a value of `type` selected by `nodes`.
  const valueCode = (type: GraphQLOutputType, nodes: readonly FieldNode[], underPrivate: boolean): string => {
    const inner = isNonNullType(type) ? type.ofType : type;
    if (isListType(inner)) {
      const item = valueCode(inner.ofType, nodes, underPrivate);
      const itemFunction = `l${functions.length}`;
      functions.push(`function ${itemFunction}(a){E(1);B[p++]=91;for(let i=0;i<a.length;i++){let v=a[i];if(v===undefined)v=null;if(i>0){E(1);B[p++]=44;}${item}}E(1);B[p++]=93;}`);
      return `if(v===null)K(NULL);else ${itemFunction}(v);`;
    }
    const named = getNamedType(inner);
    if (isObjectType(named)) {
      const nested = objectFunction(named, collectSubfields(schema, fragments, {}, named, nodes as FieldNode[]), underPrivate);
      return `if(v===null)K(NULL);else ${nested}(v);`;
    }
    if (isAbstractType(named)) return 'J(v);';
    if (isEnumType(named)) return 'L(v);';
    // Booleans and integers print as they are; every other scalar (strings, floats, custom) as JSON does (leaf).
    if (named.name === 'Boolean') return 'K(v===null?NULL:v?TRUE:FALSE);';
    if (named.name === 'Int') return `if(v===null)K(NULL);else A(''+v);`;
    return !underPrivate && (named.name === 'String' || named.name === 'ID') ? 'R(v);' : 'L(v);';
  };

  const top = objectFunction(root, collectFields(schema, fragments, {}, root, operation.selectionSet), false);
  if (failed) return null;
  // The writer's state (the scratch buffer B, the position p) and its primitives are the factory's
  // locals, so the generated functions reach them as closure variables: no property loads per byte.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const make = new Function('M', 'MAX', 'SCRATCH', 'LONG', 'ESCAPED', 'NULL', 'TRUE', 'FALSE', `
let B=Buffer.allocUnsafeSlow(SCRATCH),p=0;
function E(n){if(p+n>B.length){const b=Buffer.allocUnsafeSlow(Math.max(2*B.length,p+n));B.copy(b,0,0,p);B=b;}}
function K(b){const n=b.length;E(n);if(n<=16){for(let i=0;i<n;i++)B[p+i]=b[i];p+=n;}else{B.set(b,p);p+=n;}}
function A(s){const n=s.length;E(n);for(let i=0;i<n;i++)B[p++]=s.charCodeAt(i);}
${WRITE_TEXT}
${WRITE_STRING}
function L(v){if(typeof v==='string')S(v);else if(typeof v==='number'){if(Number.isFinite(v))A(String(v));else K(NULL);}else{const j=JSON.stringify(v);W(j===undefined?'null':j);}}
function J(v){const j=JSON.stringify(v);W(j===undefined?'null':j);}
function R(v){if(typeof v!=='string'||v.length>${REMEMBERED_LENGTH}){L(v);return;}let b=M.get(v);if(b===undefined){const at=p;S(v);if(M.size>=MAX)M.clear();M.set(v,new Uint8Array(B.subarray(at,p)));}else K(b);}
${functions.join('\n')}
return function(d,head,tail){p=0;K(head);if(d===null)K(NULL);else ${top}(d);K(tail);const out=Buffer.allocUnsafe(p);B.copy(out,0,0,p);if(B.length>${SCRATCH_KEPT})B=Buffer.allocUnsafeSlow(SCRATCH);return out;};`) as (...args: unknown[]) => DataSerializer;
  return make(rememberedLeaves, REMEMBERED_LEAVES, SCRATCH_BYTES, LONG_STRING, ESCAPED, bytes('null'), bytes('true'), bytes('false'));
}

/** The scratch buffer a serializer starts with, and the largest it keeps after a large result. */
const SCRATCH_BYTES = 32 * 1024;
const SCRATCH_KEPT = 1024 * 1024;
/** Strings longer than this are checked by a regular expression and encoded natively, not a character at a time. */
const LONG_STRING = 256;

/**
 * W(text): writes `text` (JSON already, or plain ASCII) as UTF-8 the way
 * `Buffer.from` does: a surrogate pair as one 4-byte sequence, a lone
 * surrogate as U+FFFD (JSON.stringify escapes lone ones, so none arrive).
 */
const WRITE_TEXT = `function W(s){const n=s.length;E(3*n);if(n>LONG){p+=B.write(s,p,'utf8');return;}
for(let i=0;i<n;i++){const c=s.charCodeAt(i);
if(c<0x80)B[p++]=c;
else if(c<0x800){B[p++]=0xc0|(c>>6);B[p++]=0x80|(c&63);}
else if(c<0xd800||c>0xdfff){B[p++]=0xe0|(c>>12);B[p++]=0x80|((c>>6)&63);B[p++]=0x80|(c&63);}
else{const d=i+1<n?s.charCodeAt(i+1):0;
if(c<=0xdbff&&d>=0xdc00&&d<=0xdfff){const u=0x10000+((c-0xd800)<<10)+(d-0xdc00);i++;B[p++]=0xf0|(u>>18);B[p++]=0x80|((u>>12)&63);B[p++]=0x80|((u>>6)&63);B[p++]=0x80|(u&63);}
else{B[p++]=0xef;B[p++]=0xbf;B[p++]=0xbd;}}}}`;

/**
 * S(string): a string's JSON text, quoted, as UTF-8. Anything JSON.stringify
 * would escape (the quote, the backslash, controls, and surrogates, paired
 * or lone, which are rare enough to hand over whole) goes to JSON.stringify.
 */
const WRITE_STRING = `function S(s){const n=s.length;
if(n>LONG){if(ESCAPED.test(s)){W(JSON.stringify(s));return;}E(3*n+2);B[p++]=34;p+=B.write(s,p,'utf8');B[p++]=34;return;}
E(3*n+2);const at=p;B[p++]=34;
for(let i=0;i<n;i++){const c=s.charCodeAt(i);
if(c<0x80){if(c<0x20||c===0x22||c===0x5c){p=at;W(JSON.stringify(s));return;}B[p++]=c;}
else if(c<0x800){B[p++]=0xc0|(c>>6);B[p++]=0x80|(c&63);}
else if(c<0xd800||c>0xdfff){B[p++]=0xe0|(c>>12);B[p++]=0x80|((c>>6)&63);B[p++]=0x80|(c&63);}
else{p=at;W(JSON.stringify(s));return;}}
B[p++]=34;}`;

function bytes(text: string): Uint8Array {
  return Buffer.from(text, 'utf8');
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

/** Strings remembered with their JSON text's bytes, and the longest one that is. */
const REMEMBERED_LEAVES = 8192;
const REMEMBERED_LENGTH = 128;

/** Short strings of public fields with their JSON text's bytes, shared by every compiled serializer (bounded: see above). */
const rememberedLeaves = new Map<string, Uint8Array>();

/** Whether `text` is remembered (for tests: nothing private ever is). */
export function isRememberedLeaf(text: string): boolean {
  return rememberedLeaves.has(text);
}

/** Characters JSON.stringify writes escaped: the quote, the backslash, controls, and (a lone one) a surrogate. */
const ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

function usesConditionalDirectives(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Directive(node) {
      if (node.name.value === 'skip' || node.name.value === 'include') found = true;
    },
  });
  return found;
}
