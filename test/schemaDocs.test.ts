/**
 * The playground's docs are the schema's descriptions, so every frontend's
 * schema must describe everything a client can name: types, fields,
 * arguments, enum values, input fields, and our own directives with their
 * arguments. Built-in scalars, introspection types and the spec's directives
 * are graphql-js's to document. A failure names each offender
 * (`Product.price`, `Query.product(id:)`, `ImageSize.SMALL`, `@cacheControl(maxAge:)`).
 */
import {
  buildASTSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedDirective,
  isSpecifiedScalarType,
  parse,
  visit,
  type ASTNode,
  type GraphQLArgument,
  type GraphQLSchema,
} from 'graphql';
import { FRONTENDS } from '../src/config';
import { buildSchema, typeDefsFor } from '../src/resolvers';

function described(thing: { description?: string | null }): boolean {
  return (thing.description ?? '').trim() !== '';
}

/** Everything a client can name in `schema` that has no description, by its coordinate. */
function undocumented(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  const checkArgs = (owner: string, args: readonly GraphQLArgument[]) => {
    for (const arg of args) if (!described(arg)) missing.push(`${owner}(${arg.name}:)`);
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
    if (!described(type)) missing.push(type.name);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (!described(field)) missing.push(`${type.name}.${field.name}`);
        checkArgs(`${type.name}.${field.name}`, field.args);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) if (!described(field)) missing.push(`${type.name}.${field.name}`);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) if (!described(value)) missing.push(`${type.name}.${value.name}`);
    }
  }
  for (const directive of schema.getDirectives()) {
    if (isSpecifiedDirective(directive)) continue;
    if (!described(directive)) missing.push(`@${directive.name}`);
    checkArgs(`@${directive.name}`, directive.args);
  }
  return missing;
}

/** Types whose description at run time (what introspection shows) is not the one schema/ gives. */
function driftedFromSdl(schema: GraphQLSchema): string[] {
  return Object.values(schema.getTypeMap())
    .filter((type) => type.astNode && type.description !== (type.astNode.description?.value ?? undefined))
    .map((type) => `${type.name}: ${JSON.stringify(type.description)} is not the SDL's ${JSON.stringify(type.astNode?.description?.value)}`);
}

describe('every frontend schema is documented', () => {
  it.each(FRONTENDS.map((f) => [f]))('%s: nothing a client can name lacks a description', (frontend) => {
    expect(undocumented(buildSchema(frontend))).toEqual([]);
  });

  it.each(FRONTENDS.map((f) => [f]))('%s: the descriptions introspection shows are the SDL\'s', (frontend) => {
    expect(driftedFromSdl(buildSchema(frontend))).toEqual([]);
  });
});

describe('a missing description', () => {
  // The real web SDL with one description of each kind taken away.
  const stripped = new Set(['Money', 'price', 'id', 'SMALL', 'maxAge', 'lines']);
  const parents = new Map<string, string>([
    ['price', 'Product'],
    ['id', 'product'],
    ['SMALL', 'ImageSize'],
    ['maxAge', 'cacheControl'],
    ['lines', 'PlaceOrderInput'],
  ]);

  function withoutSomeDescriptions(): GraphQLSchema {
    const document = parse(typeDefsFor('web').join('\n'));
    const path: string[] = [];
    const named = (node: ASTNode): string | undefined => ('name' in node && node.name ? node.name.value : undefined);
    const edited = visit(document, {
      enter(node) {
        const name = named(node);
        const parent = path[path.length - 1];
        path.push(name ?? parent ?? '');
        if (name && stripped.has(name) && 'description' in node && node.description) {
          const expectedParent = parents.get(name);
          if (expectedParent === undefined || expectedParent === parent) return { ...node, description: undefined };
        }
        return undefined;
      },
      leave() {
        path.pop();
      },
    });
    return buildASTSchema(edited);
  }

  it('is named by its coordinate, one offender per kind', () => {
    expect(undocumented(withoutSomeDescriptions()).sort()).toEqual(
      ['@cacheControl(maxAge:)', 'ImageSize.SMALL', 'Money', 'PlaceOrderInput.lines', 'Product.price', 'Query.product(id:)'].sort(),
    );
  });
});
