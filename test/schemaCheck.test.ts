/**
 * The breaking-change check, behaviour by behaviour. Each case starts from the
 * real schema of a frontend as the code builds it now (the baseline), edits a
 * copy of it, and checks the edit against the contract's operations: what
 * fails, what passes, and which operations are named as broken. The operations
 * named were verified by reading them (e.g. `Product.rating` is selected by
 * WebCategoryListing, WebProductPage and WebSubmitReview, not by the account
 * or checkout pages).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { extendSchema, GraphQLNonNull, GraphQLString, parse, type GraphQLFieldConfig, type GraphQLSchema } from 'graphql';
import { projectRoot, type Frontend } from '../src/config';
import { loadManifests, TrustedManifestError } from '../src/graphql/trustedManifests';
import { buildSchema } from '../src/resolvers';
import { ApprovalsError, parseApprovals, type Approval } from '../src/schemaCheck/approvals';
import { checkSchema, type CheckedDocument, type DocumentRef } from '../src/schemaCheck/check';
import { coordinatesUsed } from '../src/schemaCheck/coordinates';
import { documentsToKeepValid } from '../src/schemaCheck/projectFiles';
import { printSchemaSnapshot, schemaFromSnapshot } from '../src/schemaCheck/snapshot';
import { contractOperations } from './helpers/contract';

// --- fixtures -------------------------------------------------------------

const baselines = new Map<Frontend, string>();
function baseline(frontend: Frontend): string {
  let sdl = baselines.get(frontend);
  if (sdl === undefined) baselines.set(frontend, (sdl = printSchemaSnapshot(buildSchema(frontend))));
  return sdl;
}

type FieldEdit = (config: GraphQLFieldConfig<unknown, unknown>) => GraphQLFieldConfig<unknown, unknown> | null;

/** The baseline with one object field replaced (or removed, when `edit` returns null). */
function editField(frontend: Frontend, coordinate: string, edit: FieldEdit): GraphQLSchema {
  const [type, field] = coordinate.split('.');
  return mapSchema(schemaFromSnapshot(baseline(frontend)), {
    [MapperKind.OBJECT_FIELD]: (config, fieldName, typeName) => (typeName === type && fieldName === field ? edit(config) : config),
  });
}

const removed: FieldEdit = () => null;
const deprecated: FieldEdit = (config) => ({ ...config, deprecationReason: 'Use something else.' });

function contractDocuments(frontend: Frontend): CheckedDocument[] {
  return contractOperations
    .filter((op) => op.frontend === frontend)
    .map((op) => ({ source: `operations/${frontend}/${op.name}.graphql`, text: op.document }));
}

function check(frontend: Frontend, newSchema: GraphQLSchema, options: { documents?: CheckedDocument[]; approvals?: Approval[]; oldSdl?: string } = {}) {
  return checkSchema({
    frontend,
    oldSdl: options.oldSdl ?? baseline(frontend),
    newSchema,
    documents: options.documents ?? contractDocuments(frontend),
    approvals: options.approvals ?? [],
  });
}

const names = (refs: DocumentRef[]): string[] => refs.map((r) => r.name).sort();

/** A manifest as the client build writes it: sha256 of each document's text → the text. */
function manifest(...documents: string[]): string {
  return JSON.stringify(Object.fromEntries(documents.map((d) => [createHash('sha256').update(d).digest('hex'), d])), null, 2);
}

let tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'schema-check-'));
  tempDirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs = [];
});

// --- behaviours -----------------------------------------------------------

describe('the baseline', () => {
  it('has no changes against itself and every contract operation validates', async () => {
    for (const frontend of ['web', 'mobile'] as const) {
      const report = await check(frontend, buildSchema(frontend));
      expect(report).toMatchObject({ passed: true, changes: [], invalidDocuments: [], snapshotCurrent: true });
    }
  });
});

describe('removing a field that contract operations use', () => {
  it('is BREAKING, fails, and names every web operation that selects it', async () => {
    const report = await check('web', editField('web', 'Product.rating', removed));

    expect(report.passed).toBe(false);
    const change = report.changes.find((c) => c.path === 'Product.rating');
    expect(change).toMatchObject({ level: 'BREAKING', type: 'FIELD_REMOVED', blocking: 'used' });
    expect(names(change?.usedBy ?? [])).toEqual(['WebCategoryListing', 'WebProductPage', 'WebSubmitReview']);
    expect(change?.usedBy.find((d) => d.name === 'WebProductPage')?.source).toBe('operations/web/WebProductPage.graphql');
    expect(names(report.invalidDocuments.map((d) => d.document))).toEqual(['WebCategoryListing', 'WebProductPage', 'WebSubmitReview']);
    expect(report.invalidDocuments[0]?.errors[0]).toMatch(/^Cannot query field "rating" on type "Product"\. \(at \d+:\d+\)$/);
  });

  it('names the mobile operations on the mobile schema', async () => {
    const report = await check('mobile', editField('mobile', 'Product.rating', removed));
    const change = report.changes.find((c) => c.path === 'Product.rating');
    expect(names(change?.usedBy ?? [])).toEqual(['MobileHome', 'MobileProduct', 'MobileSearch']);
    expect(report.passed).toBe(false);
  });

  it('still fails with an approval: an approval cannot break a shipped app', async () => {
    const report = await check('web', editField('web', 'Product.rating', removed), {
      approvals: [{ type: 'FIELD_REMOVED', path: 'Product.rating', reason: 'Ratings move to a new type.' }],
    });
    expect(report.passed).toBe(false);
    expect(report.changes.find((c) => c.path === 'Product.rating')).toMatchObject({ blocking: 'used', approval: { reason: 'Ratings move to a new type.' } });
  });
});

describe('adding a required argument to a field operations use', () => {
  it('is BREAKING, fails, and names the operations that select the field', async () => {
    const currency = { type: new GraphQLNonNull(GraphQLString), description: 'ISO-4217 code.' };
    const report = await check('web', editField('web', 'Product.price', (config) => ({ ...config, args: { ...config.args, currency } })));

    expect(report.passed).toBe(false);
    const change = report.changes.find((c) => c.type === 'FIELD_ARGUMENT_ADDED');
    expect(change).toMatchObject({ level: 'BREAKING', path: 'Product.price.currency', coordinate: 'Product.price', blocking: 'used' });
    // WebAccountOrders shows OrderLine.unitPrice and Order.total, not Product.price.
    expect(names(change?.usedBy ?? [])).toEqual(['WebCategoryListing', 'WebProductPage']);
    expect(report.invalidDocuments.flatMap((d) => d.errors)).toContainEqual(
      expect.stringContaining('Field "price" argument "currency" of type "String!" is required, but it was not provided.'),
    );
  });
});

describe('adding a nullable field', () => {
  it('is NON_BREAKING and passes', async () => {
    const report = await check('web', extendSchema(schemaFromSnapshot(baseline('web')), parse('extend type Product { giftWrap: Boolean }')));

    expect(report.passed).toBe(true);
    expect(report.changes).toEqual([expect.objectContaining({ level: 'NON_BREAKING', type: 'FIELD_ADDED', path: 'Product.giftWrap', blocking: null })]);
    expect(report.snapshotCurrent).toBe(false);
  });
});

describe('removing a field no operation uses', () => {
  it('is true of Category.children: no contract operation selects it', () => {
    for (const frontend of ['web', 'mobile'] as const) {
      const schema = buildSchema(frontend);
      for (const doc of contractDocuments(frontend)) expect(coordinatesUsed(schema, parse(doc.text)).has('Category.children')).toBe(false);
    }
  });

  it('is BREAKING and fails until approved, naming no broken operation', async () => {
    const report = await check('web', editField('web', 'Category.children', removed));

    expect(report.passed).toBe(false);
    expect(report.changes).toEqual([
      expect.objectContaining({ level: 'BREAKING', type: 'FIELD_REMOVED', path: 'Category.children', usedBy: [], blocking: 'unapproved' }),
    ]);
    expect(report.invalidDocuments).toEqual([]);
  });

  it('passes with an approval that gives the reason', async () => {
    const approvals = parseApprovals(
      JSON.stringify({ web: [{ type: 'FIELD_REMOVED', path: 'Category.children', reason: 'The shop shows no sub-category menu any more.' }] }),
      'approved-changes.json',
      ['web', 'mobile'],
    );
    const report = await check('web', editField('web', 'Category.children', removed), { approvals: approvals.web });

    expect(report.passed).toBe(true);
    expect(report.changes[0]).toMatchObject({ blocking: null, approval: { reason: 'The shop shows no sub-category menu any more.' } });
    expect(report.unusedApprovals).toEqual([]);
  });

  it('an approval without a reason is refused', () => {
    expect(() => parseApprovals(JSON.stringify({ web: [{ type: 'FIELD_REMOVED', path: 'Category.children', reason: ' ' }] }), 'a.json', ['web'])).toThrow(
      new ApprovalsError('a.json: web[0] needs a non-empty reason: say why the break is acceptable.'),
    );
    expect(() => parseApprovals(JSON.stringify({ wbe: [] }), 'a.json', ['web'])).toThrow(ApprovalsError);
  });

  it('an approval that matches no change is reported as stale, not failing', async () => {
    const stale = { type: 'FIELD_REMOVED', path: 'Category.slug', reason: 'Old.' };
    const report = await check('web', buildSchema('web'), { approvals: [stale] });
    expect(report).toMatchObject({ passed: true, unusedApprovals: [stale] });
  });
});

describe('deprecating a field', () => {
  it('is not breaking, even for a field operations use, and says who still uses it', async () => {
    const report = await check('web', editField('web', 'Product.brand', deprecated));

    expect(report.passed).toBe(true);
    expect(report.changes.filter((c) => c.level !== 'NON_BREAKING')).toEqual([]);
    const deprecation = report.changes.find((c) => c.type === 'FIELD_DEPRECATION_ADDED');
    expect(deprecation).toMatchObject({ path: 'Product.brand.@deprecated', coordinate: 'Product.brand' });
    expect(names(deprecation?.usedBy ?? [])).toEqual(['WebCategoryListing', 'WebProductPage']);
  });

  it('then removing it, once no document uses it, is DANGEROUS: reported, needs no approval', async () => {
    const deprecatedSdl = printSchemaSnapshot(editField('web', 'Category.children', deprecated));
    const withoutIt = mapSchema(schemaFromSnapshot(deprecatedSdl), {
      [MapperKind.OBJECT_FIELD]: (config, field, type) => (type === 'Category' && field === 'children' ? null : config),
    });
    const report = await check('web', withoutIt, { oldSdl: deprecatedSdl });

    expect(report.passed).toBe(true);
    expect(report.changes).toEqual([expect.objectContaining({ level: 'DANGEROUS', type: 'FIELD_REMOVED', path: 'Category.children' })]);
  });
});

describe("an older app version's manifest (TRUSTED_DOCUMENTS_DIR)", () => {
  const oldAppQuery = 'query OldAppCategoryMenu { categories { id name children { id name } } }';

  it('must keep validating: an approved removal that breaks it fails, naming the document and its manifest', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'web'));
    writeFileSync(join(dir, 'web', 'web-2.3.json'), manifest(oldAppQuery));
    const documents = documentsToKeepValid('web', { projectRoot: projectRoot(), trustedDocumentsDir: dir });
    const approvals = [{ type: 'FIELD_REMOVED', path: 'Category.children', reason: 'No operation uses it.' }];

    const report = await check('web', editField('web', 'Category.children', removed), { documents, approvals });

    expect(report.passed).toBe(false);
    const hash = createHash('sha256').update(oldAppQuery).digest('hex');
    const source = `${join(dir, 'web', 'web-2.3.json')} [${hash.slice(0, 12)}]`;
    expect(report.changes[0]?.usedBy).toEqual([{ name: 'OldAppCategoryMenu', source }]);
    expect(report.invalidDocuments).toEqual([
      { document: { name: 'OldAppCategoryMenu', source }, errors: [expect.stringMatching(/^Cannot query field "children" on type "Category"\./)] },
    ]);
  });

  it('is read only for its own frontend, and a malformed one is an error naming it', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'mobile'));
    writeFileSync(join(dir, 'mobile', 'app-1.0.json'), JSON.stringify({ ['0'.repeat(64)]: oldAppQuery }));
    expect(loadManifests('web', { projectRoot: dir, trustedDocumentsDir: dir })).toEqual([]);
    expect(() => loadManifests('mobile', { projectRoot: dir, trustedDocumentsDir: dir })).toThrow(
      new TrustedManifestError(`${join(dir, 'mobile', 'app-1.0.json')}: ${'0'.repeat(64)} is not the sha256 of its document.`),
    );
  });
});

describe('npm run schema:check', () => {
  const run = (env: Record<string, string>) =>
    spawnSync('npm', ['run', '--silent', 'schema:check'], { cwd: projectRoot(), env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });

  it('passes on the committed snapshots', () => {
    const result = run({ TRUSTED_DOCUMENTS_DIR: '' });
    expect(result.stdout).toContain('web: passed');
    expect(result.stdout).toContain('mobile: passed');
    expect(result.status).toBe(0);
  }, 60_000);

  it('fails, naming the document, when a manifest in TRUSTED_DOCUMENTS_DIR no longer validates', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'mobile'));
    writeFileSync(join(dir, 'mobile', 'app-1.0.json'), manifest('query OldAppProduct { product(id: "p-0001") { id legacyName } }'));
    const result = run({ TRUSTED_DOCUMENTS_DIR: dir });
    expect(result.stdout).toContain('FAIL  OldAppProduct (');
    expect(result.stdout).toContain('Cannot query field "legacyName" on type "Product".');
    expect(result.stdout).toContain('web: passed');
    expect(result.status).toBe(1);
  }, 60_000);
});
