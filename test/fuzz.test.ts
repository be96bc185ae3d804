/**
 * Property-based fuzzing of what a client controls (fast-check): whole
 * bodies, variables, and query texts mutated from the contract's own. For
 * every case: no 5xx, an answer within a bound, and a live gateway after it.
 * The seed is fixed, so CI runs the same cases every time; a failure prints
 * the counterexample to replay.
 */
import fc from 'fast-check';
import { request } from 'undici';
import { contractOperations, operation } from './helpers/contract';
import { postGraphQL, type HttpAnswer } from './helpers/graphqlHttp';
import { startStack, type Stack } from './helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

const SEED = 20261201;
const ANSWER_WITHIN_MS = 3000;
/**
 * Each case is bounded by ANSWER_WITHIN_MS (the assertion); the whole
 * property, 150–200 cases with a /healthz each, gets a harness bound of its
 * own, wide enough for a machine that is busy with other suites.
 */
const PROPERTY_TIMEOUT_MS = 180_000;

async function sane(send: () => Promise<HttpAnswer>): Promise<void> {
  const started = performance.now();
  const answer = await send();
  const took = performance.now() - started;
  if (answer.status >= 500) throw new Error(`HTTP ${answer.status}: ${answer.text.slice(0, 300)}`);
  if (took > ANSWER_WITHIN_MS) throw new Error(`answered in ${Math.round(took)} ms`);
  const health = await request(`${stack.url}/healthz`);
  await health.body.dump();
  if (health.statusCode !== 200) throw new Error('the gateway stopped answering /healthz');
}

const frontend = fc.constantFrom('web', 'mobile');
const json = fc.jsonValue({ maxDepth: 6 });

describe('fuzzed requests never get a 5xx, are answered promptly, and leave the gateway alive', () => {
  it('whole bodies: any JSON, any text', async () => {
    await fc.assert(
      fc.asyncProperty(frontend, fc.oneof(json, fc.string({ maxLength: 300 }), fc.record({ query: fc.anything(), variables: fc.anything(), operationName: fc.anything(), extensions: fc.anything() })), async (f, body) => {
        await sane(() => postGraphQL(stack.url, f, typeof body === 'string' ? body : JSON.stringify(body)));
      }),
      { seed: SEED, numRuns: 150 },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('variables of any shape for every contract query', async () => {
    const queries = contractOperations.filter((op) => /^query /m.test(op.document));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...queries), fc.dictionary(fc.constantFrom('id', 'first', 'after', 'search', 'categoryId', 'reviewsFirst', 'reviewsAfter', 'x'), json), async (op, variables) => {
        await sane(() => postGraphQL(stack.url, op.frontend, { query: op.document, variables }));
      }),
      { seed: SEED, numRuns: 150 },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('query texts mutated from the contract operations: characters cut, repeated and inserted', async () => {
    const texts = contractOperations.map((op) => ({ frontend: op.frontend, text: op.document }));
    const edit = fc.record({ at: fc.nat(), cut: fc.nat({ max: 40 }), insert: fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('{', '}', '(', ')', '...', '@skip(if: true)', 'recommendations(first: 50) { id }', '$x', '"', '#', '\u0000')), repeat: fc.nat({ max: 30 }) });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...texts), fc.array(edit, { minLength: 1, maxLength: 4 }), async (source, edits) => {
        let text = source.text;
        for (const e of edits) {
          const at = e.at % (text.length + 1);
          text = text.slice(0, at) + e.insert.repeat(e.repeat + 1) + text.slice(at + e.cut);
        }
        await sane(() => postGraphQL(stack.url, source.frontend, { query: text, variables: operation('WebProductPage').variables }));
      }),
      { seed: SEED, numRuns: 200 },
    );
  }, PROPERTY_TIMEOUT_MS);
});
