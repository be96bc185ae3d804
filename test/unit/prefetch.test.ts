/**
 * Critical-path prefetch (resolvers/prefetch.ts): a resolver that knows an
 * id starts the `@idOnly` fields the document selects on that object, taken
 * from the schema itself, before the object's own payload arrives. Checked on
 * a small schema built here, executed by graphql-js and by graphql-jit (the
 * gateway's executor), and on the frontends' real schemas.
 */
import { makeExecutableSchema } from '@graphql-tools/schema';
import { execute, parse, type ExecutionResult, type GraphQLResolveInfo } from 'graphql';
import { compileQuery, isCompiledQuery } from 'graphql-jit';
import type { RequestContext } from '../../src/context/requestContext';
import { buildSchema } from '../../src/resolvers';
import { ID_ONLY_DIRECTIVE, prefetch } from '../../src/resolvers/prefetch';

interface Log {
  calls: string[];
  /** What had been called when the root resolver returned (before the payload). */
  atRoot?: string[];
}

const typeDefs = /* GraphQL */ `
  directive @idOnly on FIELD_DEFINITION
  type Query {
    thing(id: ID!): Thing
  }
  type Thing {
    id: ID!
    name: String!
    score(scale: Int = 1): Int @idOnly
    related: [Thing!] @idOnly
  }
`;

function schemaFor(log: Log) {
  return makeExecutableSchema({
    typeDefs,
    resolvers: {
      Query: {
        thing: (_root: unknown, { id }: { id: string }, ctx: RequestContext, info: GraphQLResolveInfo) => {
          prefetch(id, info, ctx);
          log.atRoot = [...log.calls];
          return Promise.resolve({ id, name: `Thing ${id}` });
        },
      },
      Thing: {
        name: (thing: { name: string }) => {
          log.calls.push('name');
          return thing.name;
        },
        score: (thing: { id: string }, { scale }: { scale: number }) => {
          log.calls.push(`score:${thing.id}:${scale}`);
          return 10 * scale;
        },
        related: (thing: { id: string }) => {
          log.calls.push(`related:${thing.id}`);
          return [];
        },
      },
    },
  });
}

const ctx = { loaders: {} } as RequestContext;

type Executor = (schema: ReturnType<typeof schemaFor>, query: string, variables: Record<string, unknown>) => Promise<ExecutionResult>;

const executors: [string, Executor][] = [
  ['graphql-js', async (schema, query, variables) => execute({ schema, document: parse(query), variableValues: variables, contextValue: ctx })],
  [
    'graphql-jit',
    async (schema, query, variables) => {
      const compiled = compileQuery(schema, parse(query));
      if (!isCompiledQuery(compiled)) throw new Error(JSON.stringify(compiled));
      return compiled.query(undefined, ctx, variables) as Promise<ExecutionResult>;
    },
  ],
];

describe.each(executors)('prefetch under %s', (_name, run) => {
  it('starts the selected @idOnly fields with the id and their arguments, before the payload, and nothing else', async () => {
    const log: Log = { calls: [] };
    const result = await run(schemaFor(log), 'query($id: ID!, $s: Int) { thing(id: $id) { name score(scale: $s) related { id } } }', { id: 't-1', s: 3 });
    expect(result.errors).toBeUndefined();
    expect(log.atRoot).toEqual(['score:t-1:3', 'related:t-1']);
    expect(result.data).toEqual({ thing: { name: 'Thing t-1', score: 30, related: [] } });
  });

  it('finds them inside inline and named fragments, and leaves unselected ones alone', async () => {
    const log: Log = { calls: [] };
    await run(schemaFor(log), 'query { thing(id: "t-2") { ... on Thing { name } ...Scored } } fragment Scored on Thing { score }', {});
    expect(log.atRoot).toEqual(['score:t-2:1']);
  });

  it('a document that selects no @idOnly field starts nothing', async () => {
    const log: Log = { calls: [] };
    await run(schemaFor(log), 'query { thing(id: "t-3") { name } }', {});
    expect(log.atRoot).toEqual([]);
  });
});

describe('the frontends declare their id-only fields in their own SDL', () => {
  const idOnly = (frontend: 'web' | 'mobile') => {
    const schema = buildSchema(frontend);
    const found: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!('getFields' in type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        if ('resolve' in field && field.astNode?.directives?.some((d: { name: { value: string } }) => d.name.value === ID_ONLY_DIRECTIVE)) found.push(`${type.name}.${field.name}`);
      }
    }
    return found.sort();
  };

  it('web: the product reviews connection, mobile: the top reviews; both: rating, recommendations, orders', () => {
    expect(idOnly('web')).toEqual(['Account.orders', 'Product.rating', 'Product.recommendations', 'Product.reviews']);
    expect(idOnly('mobile')).toEqual(['Account.orders', 'Product.rating', 'Product.recommendations', 'Product.topReviews']);
  });
});
