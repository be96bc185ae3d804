/**
 * The compiled result serializer writes exactly what JSON.stringify writes,
 * for every contract query, on results whose leaves are generated: strings
 * that need escaping (quotes, backslashes, controls, lone and paired
 * surrogates, line separators, non-Latin-1), floats, integers, booleans,
 * nulls and absent keys.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { getNamedType, isLeafType, isListType, isNonNullType, isObjectType, Kind, parse, type FieldNode, type GraphQLOutputType, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { compileDataSerializer, isRememberedLeaf, type DataSerializer } from '../../src/graphql/resultSerializer';
import { buildSchema } from '../../src/resolvers';

const LONG = 'Ein Stuhl für Café und Küche, 日本製, ✓ '.repeat(12); // longer than a remembered leaf and than the native-write threshold
const STRINGS = ['plain', 'a"quote', 'back\\slash', 'ctl\u0001', 'tab\t', 'line\n', 'lone\ud800', 'low\udc00', 'pair\ud83d\ude00', 'del\u007f', 'ls\u2028', '€118.99', '', 'é日本', `${LONG}`, `${LONG}"quoted"`, `${LONG}\ud83d\ude00`, `${LONG}\udc00`, 'x'.repeat(129)];
const NUMBERS = [0, -0, 1, 118.99, 4.08, 1e21, 1e-7, -3.5, 2 ** 53, 0.1 + 0.2];

/** A value for `type` selected by `nodes`, leaves drawn from `pick`. */
function valueOf(schema: GraphQLSchema, type: GraphQLOutputType, selection: SelectionSetNode | undefined, pick: () => number): unknown {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (!isNonNullType(type) && pick() % 7 === 0) return null;
  if (isListType(inner)) return Array.from({ length: pick() % 4 }, () => valueOf(schema, inner.ofType, selection, pick));
  const named = getNamedType(inner);
  if (isLeafType(named)) {
    if (named.name === 'Boolean') return pick() % 2 === 0;
    if (named.name === 'Int') return pick() % 1000;
    if (named.name === 'Float') return NUMBERS[pick() % NUMBERS.length];
    return STRINGS[pick() % STRINGS.length];
  }
  if (!isObjectType(named) || !selection) return null;
  const object: Record<string, unknown> = {};
  for (const node of selection.selections) {
    if (node.kind !== Kind.FIELD) continue;
    const field = node as FieldNode;
    const key = field.alias?.value ?? field.name.value;
    if (field.name.value === '__typename') object[key] = named.name;
    else {
      const definition = named.getFields()[field.name.value];
      if (definition) object[key] = valueOf(schema, definition.type, field.selectionSet, pick);
    }
  }
  return object;
}

const frontends = ['web', 'mobile'] as const;
const HEAD = Buffer.from('{"data":');
const TAIL = Buffer.from('}');

describe('compiled result serializer', () => {
  it('grows its scratch buffer for a result larger than it, and starts over small after it', () => {
    const schema = buildSchema('web');
    const document = parse(readFileSync(join(__dirname, '..', '..', 'operations', 'web', 'WebCategoryListing.graphql'), 'utf8'));
    const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
    const serializer = compileDataSerializer(schema, document, operation) as DataSerializer;
    const listing = (edges: number) => ({
      products: {
        edges: Array.from({ length: edges }, (_, i) => ({ cursor: `c${i}`, node: { id: `p-${i}`, name: `${LONG}${i}`, brand: 'b', price: null, image: null, rating: null, availability: null } })),
        pageInfo: { hasNextPage: false, endCursor: null },
      },
      categories: [],
    });
    for (const edges of [1, 5000, 3]) {
      const data = listing(edges);
      expect(serializer(data, HEAD, TAIL).toString('utf8')).toBe(`{"data":${JSON.stringify(data)}}`);
    }
  });

  for (const frontend of frontends) {
    const schema = buildSchema(frontend);
    const dir = join(__dirname, '..', '..', 'operations', frontend);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.graphql'))) {
      const document = parse(readFileSync(join(dir, file), 'utf8'));
      for (const operation of document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && d.operation === 'query')) {
        const serializer = compileDataSerializer(schema, document, operation);
        const name = operation.name?.value ?? file;
        it(`writes JSON.stringify's bytes for ${frontend} ${name}`, () => {
          // Fields behind fragment spreads are left absent by the generator: absent keys are part of the test.
          expect(serializer).not.toBeNull();
          if (!serializer) return;
          const root = schema.getQueryType();
          fc.assert(
            fc.property(fc.array(fc.nat(), { minLength: 64, maxLength: 64 }), (draws) => {
              let i = 0;
              const pick = () => draws[i++ % draws.length] as number;
              const data = valueOf(schema, root as never, operation.selectionSet, pick);
              const bytes = serializer(data, HEAD, TAIL);
              expect(bytes.equals(Buffer.from(`{"data":${JSON.stringify(data)}}`, 'utf8'))).toBe(true);
            }),
            { numRuns: 200 },
          );
        });
      }
    }
  }
});

describe('remembered leaves', () => {
  const schema = buildSchema('web');
  const compiled = (file: string) => {
    const document = parse(readFileSync(join(__dirname, '..', '..', 'operations', 'web', file), 'utf8'));
    const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
    const serializer = compileDataSerializer(schema, document, operation) as DataSerializer;
    return (data: unknown) => serializer(data, new Uint8Array(0), new Uint8Array(0)).toString('utf8');
  };

  it('remembers the short strings of public fields, and nothing under a PRIVATE scope', () => {
    const name = `Lamp ${Math.random()}`;
    const email = `someone.${Math.random()}@example.com`;
    const listing = { products: { edges: [{ cursor: 'c1', node: { id: 'p-1', name, brand: 'b', price: null, image: null, rating: null, availability: null } }], pageInfo: { hasNextPage: false, endCursor: null } }, categories: [] };
    expect(compiled('WebCategoryListing.graphql')(listing)).toBe(JSON.stringify(listing));
    expect(isRememberedLeaf(name)).toBe(true);

    // The account (and its orders, products included) sits under `me`, PRIVATE: none of it is remembered.
    const productName = `Chair ${Math.random()}`;
    const account = { me: { id: 'u-1', displayName: 'Someone', email, orders: { edges: [{ node: { id: 'o-1', status: 'PLACED', placedAt: '2026-12-01T10:00:00Z', total: null, lines: [{ quantity: 1, unitPrice: null, product: { id: 'p-2', name: productName, image: null } }] } }], pageInfo: { hasNextPage: false, endCursor: null } } } };
    expect(compiled('WebAccountOrders.graphql')(account)).toBe(JSON.stringify(account));
    expect(isRememberedLeaf(email)).toBe(false);
    expect(isRememberedLeaf(productName)).toBe(false);
  });
});
