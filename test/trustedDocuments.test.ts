/**
 * Trusted documents per frontend (TRUSTED_DOCUMENTS=enforce|log|off): the
 * manifests codegen writes (clients/<frontend>/persisted-documents.json) and
 * those an operator adds (TRUSTED_DOCUMENTS_DIR), a document named by id, by
 * APQ hash or sent as full text (raw or normalized), in each mode.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { printExecutableGraphQLDocument } from '@graphql-tools/documents';
import { parse } from 'graphql';
import { request } from 'undici';
import { projectRoot } from '../src/config';
import { appDocuments, contractOperations, operation } from './helpers/contract';
import { getGraphQL, postGraphQL } from './helpers/graphqlHttp';
import { capturedLogs } from './helpers/logs';
import { startStack, type Stack } from './helpers/stack';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const manifest = (frontend: string): Record<string, string> =>
  JSON.parse(readFileSync(join(projectRoot(), 'clients', frontend, 'persisted-documents.json'), 'utf8'));
/** The manifest id of a contract operation: sha256 of its normalized print, as the client preset computes it. */
const idOf = (name: string) => sha256(printExecutableGraphQLDocument(parse(operation(name).document)));
const idOfText = (text: string) => sha256(printExecutableGraphQLDocument(parse(text)));

const UNTRUSTED = 'query Untrusted { product(id: "p-0001") { id name } }';
// The next app version's document, known only from an operator's manifest.
const NEXT_VERSION = 'query WebProductTitle($id: ID!) { product(id: $id) { id name brand } }';

let extraDir: string;
beforeAll(() => {
  extraDir = mkdtempSync(join(tmpdir(), 'trusted-'));
  mkdirSync(join(extraDir, 'web'));
  writeFileSync(join(extraDir, 'web', 'web-2.4.0.json'), JSON.stringify({ [sha256(NEXT_VERSION)]: NEXT_VERSION }));
});
afterAll(() => rmSync(extraDir, { recursive: true, force: true }));

describe('the manifests codegen writes', () => {
  it.each(['web', 'mobile'])("%s: one entry per contract operation and app document (documents/), keyed by the sha256 of its normalized print", (frontend) => {
    const entries = manifest(frontend);
    const ops = contractOperations.filter((op) => op.frontend === frontend);
    const documents = appDocuments.filter((d) => d.frontend === frontend);
    expect(documents.length).toBeGreaterThan(0);
    expect(Object.keys(entries).sort()).toEqual([...ops.map((op) => idOf(op.name)), ...documents.map((d) => idOfText(d.document))].sort());
    for (const [id, text] of Object.entries(entries)) expect(sha256(text)).toBe(id);
  });
});

describe('TRUSTED_DOCUMENTS=enforce', () => {
  let stack: Stack;
  const logs = capturedLogs();
  beforeAll(async () => {
    stack = await startStack({ logger: logs.logger, config: { trustedDocuments: { mode: 'enforce', dir: extraDir } } });
  });
  afterAll(() => stack.close());

  const post = (frontend: string, body: unknown) => postGraphQL(stack.url, frontend, body);

  const queries = contractOperations.filter((op) => /^query /m.test(op.document));
  it.each(queries.map((op) => [op.name, op] as const))(
    '%s runs by documentId (sha256:<hex> and bare <hex>), by its raw text, by its normalized print, by APQ hash',
    async (_name, op) => {
      const id = idOf(op.name);
      const normalized = manifest(op.frontend)[id] as string;
      const expected = (await post(op.frontend, { documentId: `sha256:${id}`, variables: op.variables })).body;
      expect(expected.errors).toBeUndefined();
      expect(expected.data).toBeTruthy();
      const answers = await Promise.all([
        post(op.frontend, { documentId: id, variables: op.variables }),
        post(op.frontend, { query: op.document, variables: op.variables }),
        post(op.frontend, { query: normalized, variables: op.variables }),
        post(op.frontend, { variables: op.variables, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(op.document) } } }),
        post(op.frontend, { variables: op.variables, extensions: { persistedQuery: { version: 1, sha256Hash: id } } }),
        getGraphQL(stack.url, op.frontend, { documentId: `sha256:${id}`, variables: JSON.stringify(op.variables) }),
      ]);
      for (const answer of answers) {
        expect(answer.status).toBe(200);
        expect(answer.body.data).toEqual(expected.data);
      }
    },
  );

  it('a raw text answers in the order its fields were written; the normalized print in its own order', async () => {
    const op = operation('WebProductPage');
    const raw = await post('web', { query: op.document, variables: op.variables });
    expect(Object.keys(raw.body.data.product).slice(0, 4)).toEqual(['id', 'name', 'brand', 'description']);
    const normalized = await post('web', { documentId: idOf('WebProductPage'), variables: op.variables });
    expect(Object.keys(normalized.body.data.product)[0]).toBe('availability');
  });

  it('refuses a document that is not trusted, with 400 DOCUMENT_NOT_TRUSTED', async () => {
    const { status, body } = await post('web', { query: UNTRUSTED });
    expect(status).toBe(400);
    expect(body.errors[0].extensions.code).toBe('DOCUMENT_NOT_TRUSTED');
    expect(body.errors[0].message).toMatch(/runs only the web app's trusted documents/);
    expect(body.data).toBeUndefined();
  });

  it("a web document's id is unknown on mobile", async () => {
    const { status, body } = await post('mobile', { documentId: idOf('WebProductPage'), variables: operation('WebProductPage').variables });
    expect(status).toBe(400);
    expect(body.errors[0].extensions.code).toBe('PERSISTED_DOCUMENT_NOT_FOUND');
    expect((await post('mobile', { query: operation('WebProductPage').document })).body.errors[0].extensions.code).toBe('DOCUMENT_NOT_TRUSTED');
  });

  it('an id that names no document, or a malformed one, is PERSISTED_DOCUMENT_NOT_FOUND', async () => {
    for (const documentId of [sha256('nothing'), 'sha256:zz', '../../etc/passwd']) {
      const { status, body } = await post('web', { documentId });
      expect(status).toBe(400);
      expect(body.errors[0].extensions.code).toBe('PERSISTED_DOCUMENT_NOT_FOUND');
    }
  });

  it('no new persisted query can be registered: an unknown hash is not found, and its registration is refused', async () => {
    const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(UNTRUSTED) } };
    const lookup = await post('web', { extensions });
    expect(lookup.status).toBe(200);
    expect(lookup.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const register = await post('web', { query: UNTRUSTED, extensions });
    expect(register.status).toBe(400);
    expect(register.body.errors[0].extensions.code).toBe('DOCUMENT_NOT_TRUSTED');
    expect((await post('web', { extensions })).body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it("an operator's extra manifest (TRUSTED_DOCUMENTS_DIR) is trusted, on its frontend only", async () => {
    const byId = await post('web', { documentId: sha256(NEXT_VERSION), variables: { id: 'p-0002' } });
    expect(byId.body.data).toEqual({ product: { id: 'p-0002', name: stack.demo.data.productsById.get('p-0002')!.name, brand: stack.demo.data.productsById.get('p-0002')!.brand } });
    expect((await post('web', { query: NEXT_VERSION, variables: { id: 'p-0002' } })).status).toBe(200);
    expect((await post('mobile', { query: NEXT_VERSION, variables: { id: 'p-0002' } })).body.errors[0].extensions.code).toBe('DOCUMENT_NOT_TRUSTED');
  });

  it('says how many trusted documents it loaded, per frontend', () => {
    // web: 5 contract operations, 2 app subscriptions, 1 of the extra manifest; mobile: 4 and 2.
    expect(logs.lines.find((l) => l.msg === 'trusted documents loaded')).toMatchObject({ mode: 'enforce', web: 8, mobile: 6 });
  });

  it('a request naming a document both ways is refused', async () => {
    const { status, body } = await post('web', { documentId: idOf('WebProductPage'), query: operation('WebProductPage').document });
    expect(status).toBe(400);
    expect(body.errors[0].message).toBe('A request names its document by `documentId` or sends it as `query`, not both.');
  });
});

describe('TRUSTED_DOCUMENTS=log', () => {
  let stack: Stack;
  const logs = capturedLogs();
  beforeAll(async () => {
    stack = await startStack({ logger: logs.logger, config: { trustedDocuments: { mode: 'log', dir: undefined } } });
  });
  afterAll(() => stack.close());

  it('runs an untrusted document, logs it (without its text) and counts it', async () => {
    const { status, body } = await postGraphQL(stack.url, 'mobile', { query: UNTRUSTED });
    expect(status).toBe(200);
    expect(body.data.product.id).toBe('p-0001');
    const line = logs.lines.find((l) => l.msg === 'untrusted document');
    expect(line).toMatchObject({ frontend: 'mobile', characters: UNTRUSTED.length });
    expect(JSON.stringify(line)).not.toContain('product(id');
    const metrics = await (await request(`${stack.url}/metrics`)).body.text();
    expect(metrics).toContain('gateway_untrusted_documents_total{frontend="mobile"} 1');
  });

  it('a trusted document is neither logged nor counted', async () => {
    const before = logs.lines.filter((l) => l.msg === 'untrusted document').length;
    const op = operation('MobileProduct');
    expect((await postGraphQL(stack.url, 'mobile', { query: op.document, variables: op.variables })).status).toBe(200);
    expect(logs.lines.filter((l) => l.msg === 'untrusted document')).toHaveLength(before);
  });
});

describe('TRUSTED_DOCUMENTS=off (the development default)', () => {
  let stack: Stack;
  const logs = capturedLogs();
  beforeAll(async () => {
    stack = await startStack({ logger: logs.logger });
  });
  afterAll(() => stack.close());

  it('runs an untrusted document without a word, and trusted ones by id all the same', async () => {
    expect((await postGraphQL(stack.url, 'web', { query: UNTRUSTED })).body.data.product.id).toBe('p-0001');
    const op = operation('WebCategoryListing');
    expect((await postGraphQL(stack.url, 'web', { documentId: idOf(op.name), variables: op.variables })).body.data.products.edges).toHaveLength(24);
    expect(logs.lines.some((l) => l.msg === 'untrusted document')).toBe(false);
  });
});
