/**
 * Variables are coerced once, by the compiled query (graphql/compiledExecutor.ts),
 * and graphql-js is asked only for the words of a refusal. That is only sound
 * if both refuse the same variables: for every contract operation, with
 * variables of every shape (edge values of each type, and generated ones),
 * the executor refuses exactly what graphql-js's `getVariableValues` refuses,
 * with graphql-js's message, as BAD_USER_INPUT with HTTP 400.
 */
import fc from 'fast-check';
import { getVariableValues, parse, type GraphQLError, type OperationDefinitionNode } from 'graphql';
import { compiledOperations } from '../../src/graphql/compiledExecutor';
import { buildSchema } from '../../src/resolvers';
import { contractOperations } from '../helpers/contract';

const EDGE_VALUES: unknown[] = [
  null,
  0,
  -1,
  1.5,
  2 ** 31,
  -(2 ** 31) - 1,
  Number.MAX_SAFE_INTEGER,
  '',
  'p-0001',
  '12',
  true,
  [],
  ['p-0001'],
  [null],
  {},
  { productId: 'p-0001', quantity: 1 },
  { lines: [{ productId: 'p-0001', quantity: 1 }] },
  { lines: [{ productId: 'p-0001', quantity: '1' }] },
  { lines: [{ productId: 'p-0001' }] },
  { lines: [{ productId: 'p-0001', quantity: 1, extra: true }] },
];

/** What the executor answers for `variables`: refused (with its message) or run. */
async function outcome(run: () => Promise<unknown>): Promise<{ refused: string } | 'ran'> {
  try {
    await run();
    return 'ran';
  } catch (error) {
    const e = error as GraphQLError;
    expect(e.extensions).toEqual({ code: 'BAD_USER_INPUT', http: { status: 400 } });
    return { refused: e.message };
  }
}

describe.each(contractOperations.map((op) => [op.name, op] as const))('%s', (_name, op) => {
  const schema = buildSchema(op.frontend);
  const document = parse(op.document);
  const operation = document.definitions.find((d) => d.kind === 'OperationDefinition') as OperationDefinitionNode;
  const operations = compiledOperations(schema, { compiledDocuments: 10, maxCompiledFields: 2000, pinned: [document] });
  const names = (operation.variableDefinitions ?? []).map((v) => v.variable.name.value);
  // No context: an operation whose variables pass fails in its resolvers, which is still "ran".
  const execute = (variables: Record<string, unknown>) => operations.execute(document, operation, operation.name?.value ?? null, variables, {});

  async function agrees(variables: Record<string, unknown>): Promise<void> {
    const expected = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
    const got = await outcome(() => execute(variables));
    expect(got).toEqual(expected.errors ? { refused: (expected.errors[0] as GraphQLError).message } : 'ran');
  }

  it('refuses what graphql-js refuses, in its words: each variable at each edge value, and none given', async () => {
    await agrees({});
    for (const name of names) {
      for (const value of EDGE_VALUES) await agrees({ ...op.variables, [name]: value });
      const without = { ...op.variables };
      delete without[name];
      await agrees(without);
    }
  });

  it('with generated variables', async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom(...names, 'unknown'), fc.jsonValue({ maxDepth: 3 }), { maxKeys: names.length + 1 }), async (variables) => {
        await agrees({ ...op.variables, ...variables });
      }),
      { numRuns: 60 },
    );
  });
});

describe('what graphql-jit refuses and graphql-js takes', () => {
  it('a non-null variable left to its default runs (on graphql-js), as graphql-js would run it', async () => {
    const schema = buildSchema('web');
    const document = parse('query Defaulted($size: ImageSize! = SMALL) { __typename }');
    const operation = document.definitions[0] as OperationDefinitionNode;
    const operations = compiledOperations(schema, { compiledDocuments: 10, maxCompiledFields: 2000 });
    expect(getVariableValues(schema, operation.variableDefinitions ?? [], {}).errors).toBeUndefined();
    await expect(operations.execute(document, operation, 'Defaulted', {}, {})).resolves.toEqual({ data: { __typename: 'Query' } });
    await expect(operations.execute(document, operation, 'Defaulted', { size: 'LARGE' }, {})).resolves.toEqual({ data: { __typename: 'Query' } });
    await expect(outcome(() => operations.execute(document, operation, 'Defaulted', { size: 'HUGE' }, {}))).resolves.toEqual({
      refused: (getVariableValues(schema, operation.variableDefinitions ?? [], { size: 'HUGE' }).errors?.[0] as GraphQLError).message,
    });
  });
});
