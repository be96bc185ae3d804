/**
 * Operation limits for documents that are not trusted, and the bounds that
 * hold while any request runs. Every contract operation passes with margin;
 * the hostile shapes that once took the gateway down are refused, each with
 * the rule, the limit and the value received; the gateway keeps answering.
 */
import { getOperationAST, parse } from 'graphql';
import { DEFAULT_LIMITS, DEFAULT_RESOURCES, loadConfig } from '../src/config';
import { developmentToken } from '../src/context/developmentToken';
import { operationCost, rememberedOperationCost } from '../src/graphql/operationCost';
import { operationShape } from '../src/graphql/operationShape';
import { buildSchema } from '../src/resolvers';
import { contractOperations, operation } from './helpers/contract';
import { postGraphQL } from './helpers/graphqlHttp';
import { startStack, TEST_JWT_SECRET, type Stack } from './helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

const post = (body: unknown, frontend = 'web') => postGraphQL(stack.url, frontend, body);

/** The gateway still answers a contract query correctly. */
async function stillServing(): Promise<void> {
  const op = operation('MobileProduct');
  const { status, body } = await post({ query: op.document, variables: op.variables }, 'mobile');
  expect(status).toBe(200);
  expect(body.data.product.id).toBe('p-0001');
}

async function refusedFor(body: unknown, rule: string, frontend = 'web') {
  const answer = await post(body, frontend);
  expect(answer.status).toBe(400);
  const [error] = answer.body.errors;
  expect(error.extensions).toMatchObject({ code: 'OPERATION_LIMIT_EXCEEDED', rule });
  expect(typeof error.extensions.limit).toBe('number');
  expect(error.extensions.value).toBeGreaterThan(error.extensions.limit);
  expect(error.message).toContain(String(error.extensions.limit));
  expect(answer.body.data).toBeUndefined();
  await stillServing();
  return error;
}

describe('the contract operations, measured', () => {
  const schemas = { web: buildSchema('web'), mobile: buildSchema('mobile') };
  const rows = contractOperations.map((op) => {
    const document = parse(op.document);
    const definition = getOperationAST(document)!;
    return { name: op.name, ...operationShape(document, definition), cost: operationCost(schemas[op.frontend], document, definition, op.variables) };
  });

  it('each stays within half of every default limit', () => {
    // Printed for the record (the README's table comes from this).
    console.log(rows.map((r) => `${r.name}: depth ${r.depth}, aliases ${r.aliases}, root fields ${r.rootFields}, directives ${r.directives}, fragment spreads ${r.fragmentSpreads}, cost ${r.cost}`).join('\n'));
    for (const row of rows) {
      expect(row.depth).toBeLessThanOrEqual(DEFAULT_LIMITS.maxDepth * 0.75);
      expect(row.aliases).toBeLessThanOrEqual(DEFAULT_LIMITS.maxAliases / 2);
      expect(row.rootFields).toBeLessThanOrEqual(DEFAULT_LIMITS.maxRootFields / 2);
      expect(row.directives).toBeLessThanOrEqual(DEFAULT_LIMITS.maxDirectives / 2);
      expect(row.fragmentSpreads).toBeLessThanOrEqual(DEFAULT_LIMITS.maxFragmentSpreads / 2);
      expect(row.cost).toBeLessThanOrEqual(DEFAULT_LIMITS.maxCost / 2);
    }
  });

  it('the largest page of the web listing (100 products) still passes the cost limit', () => {
    const op = operation('WebCategoryListing');
    const document = parse(op.document);
    const cost = operationCost(schemas.web, document, getOperationAST(document)!, { ...op.variables, first: 100 });
    expect(cost).toBeLessThan(DEFAULT_LIMITS.maxCost);
    expect(cost).toBeGreaterThan(rows.find((r) => r.name === 'WebCategoryListing')!.cost);
  });

  it('a remembered cost is the cost of the variables given: per page size, whatever the other variables', () => {
    const op = operation('WebCategoryListing');
    const document = parse(op.document);
    const definition = getOperationAST(document)!;
    for (const variables of [op.variables, { ...op.variables, first: 100 }, { ...op.variables, first: 3 }, { ...op.variables, categoryId: 'c-002' }, op.variables, {}]) {
      expect(rememberedOperationCost(schemas.web, document, definition, variables)).toBe(operationCost(schemas.web, document, definition, variables));
    }
    expect(rememberedOperationCost(schemas.web, document, definition, { ...op.variables, first: 100 })).toBeGreaterThan(rememberedOperationCost(schemas.web, document, definition, op.variables));
  });

  it.each(contractOperations.map((op) => [op.name, op] as const))('%s passes as a document that is not trusted', async (_name, op) => {
    if (/^mutation /m.test(op.document)) return; // mutations change stock: mutations.test.ts runs them
    const { status, body } = await post({ query: op.document, variables: op.variables }, op.frontend);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
  });
});

describe('hostile shapes are refused before they run', () => {
  it('a recommendations chain 60 deep: depth', async () => {
    let selection = 'id';
    for (let i = 0; i < 60; i++) selection = `id recommendations(first: 1) { ${selection} }`;
    const error = await refusedFor({ query: `{ product(id: "p-0001") { ${selection} } }` }, 'depth');
    expect(error.extensions).toMatchObject({ limit: DEFAULT_LIMITS.maxDepth, value: 62 });
    expect(error.message).toBe('Fields may nest at most 12 levels deep; this operation nests 62.');
  });

  it('seven levels of recommendations(first: 8), a few hundred bytes: cost', async () => {
    let selection = 'id name';
    for (let i = 0; i < 7; i++) selection = `id recommendations(first: 8) { ${selection} }`;
    const query = `{ product(id: "p-0001") { ${selection} } }`;
    expect(query.length).toBeLessThan(400);
    const error = await refusedFor({ query }, 'cost');
    expect(error.extensions.value).toBeGreaterThan(8 ** 7);
  });

  it('40 aliased product fields: aliases', async () => {
    const fields = Array.from({ length: 40 }, (_v, i) => `p${i}: product(id: "p-${String(i + 1).padStart(4, '0')}") { id }`).join(' ');
    const error = await refusedFor({ query: `{ ${fields} }` }, 'aliases');
    expect(error.extensions).toMatchObject({ limit: 30, value: 40 });
  });

  it('5,000 and 6,500 aliases (one id, or all distinct): refused while parsing, by tokens, before any AST exists', async () => {
    for (const [count, distinct] of [[5000, true], [6500, false]] as const) {
      const fields = Array.from({ length: count }, (_v, i) => `a${i}: product(id: "p-${String(distinct ? (i % 5000) + 1 : 1).padStart(4, '0')}") { id name }`);
      const error = await refusedFor({ query: `{ ${fields.join(' ')} }` }, 'tokens');
      expect(error.extensions.limit).toBe(DEFAULT_LIMITS.maxTokens);
    }
  });

  it('a 900 KB document: tokens', async () => {
    await refusedFor({ query: `{ ${'__typename '.repeat(80_000)} }` }, 'tokens');
  });

  it('twelve root fields: rootFields', async () => {
    const fields = Array.from({ length: 12 }, (_v, i) => `c${i}: category(id: "c-00${i}") { id }`).join(' ');
    // Twelve aliases too, within their limit of 30: the root-field rule is the one broken.
    await refusedFor({ query: `{ ${fields} }` }, 'rootFields');
  });

  it('25 directives: directives', async () => {
    const fields = Array.from({ length: 25 }, () => 'id @include(if: true)').join(' ');
    await refusedFor({ query: `{ product(id: "p-0001") { ${fields} } }` }, 'directives');
  });

  it('a fragment bomb that doubles at every level: fragmentSpreads', async () => {
    const fragments = Array.from({ length: 12 }, (_v, i) => `fragment F${i} on Product { id ${i < 11 ? `...F${i + 1} ...F${i + 1}` : 'name'} }`);
    const error = await refusedFor({ query: `{ product(id: "p-0001") { ...F0 } } ${fragments.join(' ')}` }, 'fragmentSpreads');
    expect(error.extensions.value).toBe(2 ** 12 - 1);
  });

  it('mobile has the same limits', async () => {
    let selection = 'id';
    for (let i = 0; i < 20; i++) selection = `id recommendations(first: 1) { ${selection} }`;
    await refusedFor({ query: `{ product(id: "p-0001") { ${selection} } }` }, 'depth', 'mobile');
  });
});

describe('requests that once were HTTP 500 are 400 with a clear message', () => {
  it('an operationName that names no operation', async () => {
    const { status, body } = await post({ query: 'query A { __typename } query B { __typename }', operationName: 'C' });
    expect(status).toBe(400);
    expect(body.errors[0]).toMatchObject({
      message: '`operationName` must name an operation of the document; received "C", the document has A, B.',
      extensions: { code: 'OPERATION_RESOLUTION_FAILURE' },
    });
    await stillServing();
  });

  it('several operations sent without an operationName', async () => {
    const { status, body } = await post({ query: 'query A { __typename } query B { __typename } query C { __typename }' });
    expect(status).toBe(400);
    expect(body.errors[0].message).toBe('The document has 3 operations; `operationName` must name the one to run.');
  });

  it('1,000 named operations without an operationName', async () => {
    const query = Array.from({ length: 1000 }, (_v, i) => `query Q${i} { __typename }`).join(' ');
    const { status } = await post({ query });
    expect(status).toBe(400);
    await stillServing();
  });

  it('50,000 levels of nested JSON in variables', async () => {
    const deep = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
    const body = `{"query":"query($x: [[Int]]) { __typename }","variables":{"x":${deep}}}`;
    const { status, body: answer } = await post(body);
    expect(status).toBe(400);
    expect(answer.errors[0].message).toBe('`variables` may nest objects and arrays at most 32 levels deep; received more than 32.');
    await stillServing();
  });
});

describe('field suggestions', () => {
  it('development keeps "Did you mean"; production hides it, since it maps the schema', async () => {
    const query = '{ product(id: "p-0001") { nam } }';
    expect((await post({ query })).body.errors[0].message).toMatch(/Did you mean "name"/);
    const production = await startStack({ config: { production: true, introspection: false } });
    try {
      const { status, body } = await postGraphQL(production.url, 'web', { query });
      expect(status).toBe(400);
      expect(body.errors[0].message).toBe('Cannot query field "nam" on type "Product". [Suggestion hidden]');
    } finally {
      await production.close();
    }
  });
});

describe('bounds that hold while a request runs', () => {
  it('past MAX_DOWNSTREAM_KEYS, the fields that needed more keys fail with RESOURCE_LIMIT_EXCEEDED; the rest is answered', async () => {
    const small = await startStack({ config: { resources: { ...DEFAULT_RESOURCES, maxDownstreamKeys: 30 } } });
    try {
      const op = operation('WebCategoryListing');
      const { status, body } = await postGraphQL(small.url, 'web', { query: op.document, variables: { ...op.variables, first: 24 } });
      expect(status).toBe(200);
      expect(body.data.products.edges).toHaveLength(24);
      const limited = body.errors.filter((e: any) => e.extensions.code === 'RESOURCE_LIMIT_EXCEEDED');
      expect(limited.length).toBeGreaterThan(0);
      expect(limited[0].extensions).toMatchObject({ rule: 'downstreamKeys', limit: 30 });
      expect(limited[0].message).toMatch(/^A request may send at most 30 distinct keys downstream; this one needed \d+\./);
    } finally {
      await small.close();
    }
  });

  it('past MAX_RESPONSE_BYTES, the response is a 400 RESOURCE_LIMIT_EXCEEDED instead', async () => {
    const small = await startStack({ config: { resources: { ...DEFAULT_RESOURCES, maxResponseBytes: 2000 } } });
    try {
      const op = operation('WebProductPage');
      const { status, body } = await postGraphQL(small.url, 'web', { query: op.document, variables: op.variables });
      expect(status).toBe(400);
      expect(body.errors[0].extensions).toMatchObject({ code: 'RESOURCE_LIMIT_EXCEEDED', rule: 'responseBytes', limit: 2000 });
      expect(body.errors[0].extensions.value).toBeGreaterThan(2000);
    } finally {
      await small.close();
    }
  });

  it('a document too wide to compile runs on graphql-js, with the same data, for every contract query', async () => {
    // graphql-js serializes every leaf through its type; the compiled queries write built-in scalars and
    // enums as the resolvers gave them (graphql/compiledExecutor.ts, JIT_OPTIONS): the same bytes only if
    // those values are already what serialization would make of them.
    const narrow = await startStack({ config: { resources: { ...DEFAULT_RESOURCES, maxCompiledFields: 5 } } });
    try {
      const headers = { authorization: `Bearer ${await developmentToken('u-0005', TEST_JWT_SECRET)}` };
      const queries = contractOperations.filter((op) => /^\s*(#.*\n\s*)*query\b/.test(op.document));
      expect(queries.map((op) => op.name).sort()).toEqual(['MobileHome', 'MobileProduct', 'MobileSearch', 'WebAccountOrders', 'WebCategoryListing', 'WebProductPage']);
      for (const op of queries) {
        const body = { query: op.document, variables: op.variables };
        const interpreted = await postGraphQL(narrow.url, op.frontend, body, headers);
        const compiled = await postGraphQL(stack.url, op.frontend, body, headers);
        expect([op.name, interpreted.status, interpreted.body.errors]).toEqual([op.name, 200, undefined]);
        // The data as written (key order, and strings apart from numbers); the extensions carry timings.
        expect([op.name, JSON.stringify(compiled.body.data)]).toEqual([op.name, JSON.stringify(interpreted.body.data)]);
      }
    } finally {
      await narrow.close();
    }
  });
});

describe('each limit is an environment setting', () => {
  it('MAX_DEPTH, MAX_ALIASES, MAX_ROOT_FIELDS, MAX_DIRECTIVES, MAX_FRAGMENT_SPREADS, MAX_TOKENS, MAX_COST, MAX_DOWNSTREAM_KEYS, MAX_RESPONSE_BYTES', () => {
    const config = loadConfig(
      {
        MAX_DEPTH: '3',
        MAX_ALIASES: '4',
        MAX_ROOT_FIELDS: '5',
        MAX_DIRECTIVES: '6',
        MAX_FRAGMENT_SPREADS: '7',
        MAX_TOKENS: '8',
        MAX_COST: '9',
        MAX_DOWNSTREAM_KEYS: '10',
        MAX_RESPONSE_BYTES: '11',
        MAX_COMPILED_FIELDS: '12',
        COMPILED_DOCUMENTS: '13',
      },
      stack.demo.urls,
    );
    expect(config.limits).toEqual({ maxDepth: 3, maxAliases: 4, maxRootFields: 5, maxDirectives: 6, maxFragmentSpreads: 7, maxTokens: 8, maxCost: 9 });
    expect(config.resources).toEqual({ maxDownstreamKeys: 10, maxResponseBytes: 11, maxCompiledFields: 12, compiledDocuments: 13 });
    expect(() => loadConfig({ MAX_DEPTH: 'deep' }, stack.demo.urls)).toThrow('MAX_DEPTH must be a non-negative integer; received "deep".');
    expect(loadConfig({}, stack.demo.urls).limits).toEqual(DEFAULT_LIMITS);
  });

  it('a limit set to 0 is off', async () => {
    const unbounded = await startStack({ config: { limits: { ...DEFAULT_LIMITS, maxAliases: 0 } } });
    try {
      const aliases = Array.from({ length: 40 }, (_v, i) => `a${i}: name`).join(' ');
      const query = `{ product(id: "p-0001") { ${aliases} } }`;
      expect((await post({ query })).body.errors[0].extensions.rule).toBe('aliases');
      const { status, body } = await postGraphQL(unbounded.url, 'web', { query });
      expect(status).toBe(200);
      expect(body.data.product.a39).toBe(body.data.product.a0);
    } finally {
      await unbounded.close();
    }
  });
});
