/**
 * Each frontend's typed client as its app uses it (issue 10): a small program
 * per frontend (test/typedClients/<frontend>/program.ts, with the app's own
 * tsconfig) compiles with tsc; a copy with one deliberate mistake (a field of
 * the other frontend's schema, a variable of the wrong type, a field the
 * document does not select) fails with that error and no other; and the
 * program runs with urql against a gateway with TRUSTED_DOCUMENTS=enforce,
 * every document sent by its id and never as text.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { cacheExchange, Client, fetchExchange } from '@urql/core';
import { getOperationAST, parse } from 'graphql';
import { WebProductPageDocument } from '../clients/web/graphql';
import { projectRoot } from '../src/config';
import type { DownstreamProduct } from '../src/contract/payloads';
import { developmentToken } from '../src/context/developmentToken';
import { summarize } from '../src/domain/summary';
import { startStack, TEST_JWT_SECRET, type Stack } from './helpers/stack';
import * as mobile from './typedClients/mobile/program';
import * as web from './typedClients/web/program';

type Frontend = 'web' | 'mobile';

const ROOT = projectRoot();
const PROGRAMS = join(ROOT, 'test', 'typedClients');
const TSC = require.resolve('typescript/bin/tsc');
const COMPILE_TIMEOUT_MS = 120_000;

interface IllTyped {
  frontend: Frontend;
  /** The file name of the copy, and what the mistake is. */
  name: string;
  /** The text of program.ts to replace (it must occur exactly once), and its replacement. */
  replace: [string, string];
  code: string;
  message: RegExp;
}

// One mistake per copy: a field of the other frontend's schema, a variable of the wrong type,
// a field the document does not select, a missing required variable.
const ILL_TYPED: IllTyped[] = [
  { frontend: 'web', name: 'reads-mobile-summary', replace: ['= product.description;', '= product.summary;'], code: 'TS2339', message: /^Property 'summary' does not exist on type / },
  { frontend: 'web', name: 'string-reviewsFirst', replace: ['reviewsFirst: 3', "reviewsFirst: '3'"], code: 'TS2322', message: /^Type 'string' is not assignable to type 'number'/ },
  { frontend: 'web', name: 'reads-unselected-amount', replace: ['total.formatted }', 'total.amount }'], code: 'TS2339', message: /^Property 'amount' does not exist on type '\{ __typename\?: "Money" \| undefined; formatted: string; \}'/ },
  { frontend: 'mobile', name: 'reads-web-description', replace: ['= product.summary;', '= product.description;'], code: 'TS2339', message: /^Property 'description' does not exist on type / },
  { frontend: 'mobile', name: 'reads-web-reviews', replace: ['(product.topReviews ?? [])', '(product.reviews ?? [])'], code: 'TS2339', message: /^Property 'reviews' does not exist on type / },
  { frontend: 'mobile', name: 'number-search', replace: ['{ search: text }', '{ search: 20 }'], code: 'TS2322', message: /^Type 'number' is not assignable to type 'string'/ },
  { frontend: 'mobile', name: 'missing-id', replace: ['(MobileProductDocument, { id })', '(MobileProductDocument, {})'], code: 'TS2345', message: /^Argument of type '\{\}' is not assignable to parameter of type 'Exact<\{ id: string; \}>'/ },
];

// Every compilation starts at once (tsc is a process per program); each test awaits its own.
let illTypedDir: string;
const compilations = new Map<string, Promise<TscRun>>();
beforeAll(() => {
  // Inside the project, so the copy's relative imports and node_modules resolve as the program's do;
  // a dot folder, which the project's tsconfig globs skip (and .gitignore lists).
  illTypedDir = mkdtempSync(join(PROGRAMS, '.ill-typed-'));
  for (const frontend of ['web', 'mobile'] as const) {
    compilations.set(frontend, tsc(join(PROGRAMS, frontend, 'tsconfig.json')));
    const source = readFileSync(join(PROGRAMS, frontend, 'program.ts'), 'utf8');
    const copies = ILL_TYPED.filter((c) => c.frontend === frontend);
    for (const copy of copies) writeFileSync(join(illTypedDir, `${frontend}-${copy.name}.ts`), replaceOnce(source, copy.replace));
    const tsconfig = join(illTypedDir, `${frontend}.tsconfig.json`);
    writeFileSync(tsconfig, JSON.stringify({ extends: `../${frontend}/tsconfig.json`, files: copies.map((c) => `${frontend}-${c.name}.ts`) }));
    compilations.set(`${frontend} ill-typed`, tsc(tsconfig));
  }
});
afterAll(async () => {
  await Promise.all(compilations.values());
  rmSync(illTypedDir, { recursive: true, force: true });
});

describe.each(['web', 'mobile'] as const)('the %s program', (frontend) => {
  it(
    'compiles with tsc --noEmit under its own tsconfig',
    async () => {
      const run = await compilations.get(frontend)!;
      expect(run.output).toBe('');
      expect(run.exitCode).toBe(0);
    },
    COMPILE_TIMEOUT_MS,
  );

  it(
    'does not compile with one mistake, and says which',
    async () => {
      const run = await compilations.get(`${frontend} ill-typed`)!;
      expect(run.exitCode).toBe(2);
      for (const copy of ILL_TYPED.filter((c) => c.frontend === frontend)) {
        const file = relative(ROOT, join(illTypedDir, `${frontend}-${copy.name}.ts`));
        const errors = run.diagnostics.filter((d) => d.file === file);
        // The expected error, and nothing anywhere but on the changed line (where e.g. a
        // callback's parameter may lose its type as a consequence).
        expect({ copy: copy.name, errors }).toEqual({
          copy: copy.name,
          errors: expect.arrayContaining([expect.objectContaining({ code: copy.code, message: expect.stringMatching(copy.message) })]),
        });
        expect({ copy: copy.name, lines: [...new Set(errors.map((e) => e.line))] }).toEqual({ copy: copy.name, lines: [lineOf(frontend, copy)] });
      }
    },
    COMPILE_TIMEOUT_MS,
  );
});

describe('the programs with urql against a gateway that enforces trusted documents', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ config: { trustedDocuments: { mode: 'enforce', dir: undefined } } });
  });
  afterAll(() => stack.close());

  const data = () => stack.demo.data;
  const usd = (cents: number, currency: string) => new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(cents / 100);
  const tokenOf = (userId: string) => developmentToken(userId, TEST_JWT_SECRET);

  /** A client of the program's own making, whose every request is recorded. */
  function recorded<T>(make: (options: { gatewayUrl: string; token?: () => string; fetch: typeof fetch }) => T, token?: string) {
    const sent: SentRequest[] = [];
    const client = make({ gatewayUrl: stack.url, ...(token ? { token: () => token } : {}), fetch: recordingFetch(sent) });
    return { client, sent };
  }

  describe('web', () => {
    const USER = 'u-0321';

    it('shows a product page signed out: the name, the description, the price and the newest reviews', async () => {
      const { client, sent } = recorded(web.webClient);
      const page = await web.productPage(client, 'p-0001');

      const product = data().productsById.get('p-0001')!;
      const category = data().categoriesById.get(product.categoryId)!;
      const reviews = data().reviewsByProduct.get('p-0001')!;
      expect(page).toEqual({
        name: product.name,
        brand: product.brand,
        description: product.description,
        price: { amount: product.priceCents / 100, currency: product.currency, formatted: usd(product.priceCents, product.currency) },
        inStock: data().stockBySku.get(product.sku)!.available > 0,
        breadcrumb: [...(category.parentId ? [data().categoriesById.get(category.parentId)!.name] : []), category.name],
        reviewCount: data().ratingsByProduct.get('p-0001')!.count,
        reviews: reviews.slice(0, 3).map((r) => ({
          title: r.title,
          rating: r.rating,
          author: data().usersById.get(r.authorId)!.displayName,
          createdAt: r.createdAt,
        })),
      });
      expect(page!.reviews.length).toBeGreaterThan(0);
      expectSentById(sent, 'web', [['GET', 'WebProductPage']]);
    });

    it('signed in: submits a review, checks out, and the account page shows the new order', async () => {
      const productId = 'p-0100';
      expect(data().reviewsByAuthorAndProduct.has(`${USER} ${productId}`)).toBe(false);
      const { client, sent } = recorded(web.webClient, await tokenOf(USER));

      const review = await web.submitReview(client, { productId, rating: 4, title: 'Typed', body: 'Sent by id.' });
      const stored = data().reviewsByAuthorAndProduct.get(`${USER} ${productId}`)!;
      expect(review).toEqual({ ok: true, value: { reviewId: stored.id, ratingCount: data().ratingsByProduct.get(productId)!.count } });

      const order = await web.checkout(client, [{ productId: 'p-0002', quantity: 1 }], 'typed-web-1');
      const placed = data().ordersByUser.get(USER)![0]!;
      expect(placed.lines).toEqual([expect.objectContaining({ productId: 'p-0002', quantity: 1 })]);
      expect(order).toEqual({ ok: true, value: { orderId: placed.id, placed: true, total: usd(placed.totalCents, placed.currency) } });

      const account = await web.accountOrders(client);
      const orders = data().ordersByUser.get(USER)!.slice(0, 5);
      expect(account).toEqual({
        displayName: data().usersById.get(USER)!.displayName,
        orders: orders.map((o) => ({ id: o.id, status: o.status, placedAt: o.placedAt, total: o.totalCents / 100 })),
      });
      expect(account!.orders[0]!.id).toBe(placed.id);

      expectSentById(sent, 'web', [
        ['POST', 'WebSubmitReview'],
        ['POST', 'WebPlaceOrder'],
        ['GET', 'WebAccountOrders'],
      ]);
      for (const request of sent) expect(request.headers.authorization).toMatch(/^Bearer /);
    });

    it('signed out: checkout answers NotSignedIn as data, and the account page is empty', async () => {
      const { client, sent } = recorded(web.webClient);
      const ordersBefore = data().sequences.order;
      expect(await web.checkout(client, [{ productId: 'p-0002', quantity: 1 }], 'typed-web-anonymous')).toEqual({
        ok: false,
        reason: 'signedOut',
        message: expect.any(String),
      });
      expect(data().sequences.order).toBe(ordersBefore);
      expect(await web.accountOrders(client)).toBeNull();
      expectSentById(sent, 'web', [
        ['POST', 'WebPlaceOrder'],
        ['GET', 'WebAccountOrders'],
      ]);
    });

    it('the same urql client without the trusted-documents exchange is refused: its text is not the trusted one', async () => {
      // urql's cacheExchange adds __typename to every selection before sending, so even the
      // generated document goes as a text that no manifest holds.
      const sent: SentRequest[] = [];
      const client = new Client({
        url: `${stack.url}/graphql/web`,
        exchanges: [cacheExchange, fetchExchange],
        preferGetMethod: false,
        fetch: recordingFetch(sent),
      });
      const result = await client.query(WebProductPageDocument, { id: 'p-0001' }).toPromise();
      expect(result.data).toBeUndefined();
      expect(result.error?.graphQLErrors.map((e) => e.extensions.code)).toEqual(['DOCUMENT_NOT_TRUSTED']);
      expect(sent).toHaveLength(1);
      expect(sent[0]!.body?.query).toEqual(expect.stringContaining('__typename'));
    });
  });

  describe('mobile', () => {
    const USER = 'u-0322';

    it('shows home, search and a product screen signed out', async () => {
      const { client, sent } = recorded(mobile.mobileClient);

      const screen = await mobile.home(client);
      const tile = (p: DownstreamProduct) => ({
        id: p.id,
        name: p.name,
        price: usd(p.priceCents, p.currency),
        thumbnail: `${p.images[0]!.url}?w=160`,
      });
      expect(screen).toEqual({
        featured: data().productsNewestFirst.slice(0, 8).map(tile),
        categories: data().categories.filter((c) => c.parentId === null).map((c) => c.name),
        recentOrders: [],
      });

      const found = await mobile.search(client, 'lamp');
      const matches = data().listProducts({ q: 'lamp' });
      expect(found).toEqual({ tiles: matches.slice(0, 20).map(tile), more: matches.length > 20 });

      const product = data().productsById.get('p-0001')!;
      expect(await mobile.productScreen(client, 'p-0001')).toEqual({
        name: product.name,
        summary: summarize(product.description),
        price: product.priceCents / 100,
        currency: product.currency,
        topReviews: data()
          .reviewsByProduct.get('p-0001')!
          .slice(0, 3)
          .map((r) => ({ title: r.title, rating: r.rating, by: data().usersById.get(r.authorId)!.displayName })),
      });

      expectSentById(sent, 'mobile', [
        ['GET', 'MobileHome'],
        ['GET', 'MobileSearch'],
        ['GET', 'MobileProduct'],
      ]);
    });

    it('signed in: checks out, and home shows the new order first', async () => {
      const { client, sent } = recorded(mobile.mobileClient, await tokenOf(USER));
      const result = await mobile.placeOrder(client, [{ productId: 'p-0004', quantity: 2 }], 'typed-mobile-1');
      const placed = data().ordersByUser.get(USER)![0]!;
      expect(result).toEqual({ orderId: placed.id });

      const { recentOrders } = await mobile.home(client);
      expect(recentOrders).toEqual(
        data()
          .ordersByUser.get(USER)!
          .slice(0, 3)
          .map((o) => ({ id: o.id, status: o.status, total: usd(o.totalCents, o.currency) })),
      );
      expect(recentOrders[0]!.id).toBe(placed.id);

      expectSentById(sent, 'mobile', [
        ['POST', 'MobilePlaceOrder'],
        ['GET', 'MobileHome'],
      ]);
    });
  });
});

// ---------------------------------------------------------------------------

interface Diagnostic {
  /** Relative to the project root. */
  file: string;
  line: number;
  code: string;
  message: string;
}

interface TscRun {
  exitCode: number;
  /** What tsc printed (nothing when the program compiles). */
  output: string;
  diagnostics: Diagnostic[];
}

/** `tsc --noEmit -p <tsconfig>` in a child process, from the project root. */
function tsc(tsconfig: string): Promise<TscRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [TSC, '--noEmit', '--pretty', 'false', '-p', tsconfig],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const exitCode = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        const output = `${stdout}${stderr}`;
        const diagnostics: Diagnostic[] = [];
        for (const line of stdout.split('\n')) {
          const match = /^(.+?)\((\d+),\d+\): error (TS\d+): (.*)$/.exec(line);
          if (match) diagnostics.push({ file: match[1]!, line: Number(match[2]), code: match[3]!, message: match[4]! });
        }
        resolve({ exitCode, output, diagnostics });
      },
    );
  });
}

/** The 1-based line of program.ts that a copy changes. */
function lineOf(frontend: Frontend, copy: IllTyped): number {
  const source = readFileSync(join(PROGRAMS, frontend, 'program.ts'), 'utf8');
  return source.slice(0, source.indexOf(copy.replace[0])).split('\n').length;
}

function replaceOnce(source: string, [from, to]: [string, string]): string {
  const at = source.indexOf(from);
  if (at < 0 || source.indexOf(from, at + 1) >= 0) throw new Error(`program.ts must contain ${JSON.stringify(from)} exactly once`);
  return source.slice(0, at) + to + source.slice(at + from.length);
}

interface SentRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  /** The JSON body of a POST. */
  body: Record<string, unknown> | undefined;
}

/** The global fetch, recording each request urql makes. */
function recordingFetch(sent: SentRequest[]): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : undefined;
    sent.push({ method: init?.method ?? 'GET', url, headers, body });
    return fetch(input, init);
  };
}

/** The operation names of a frontend's manifest, by id. */
function manifestNames(frontend: Frontend): Map<string, string> {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'clients', frontend, 'persisted-documents.json'), 'utf8')) as Record<string, string>;
  return new Map(Object.entries(manifest).map(([id, text]) => [id, getOperationAST(parse(text))?.name?.value ?? id]));
}

/**
 * Every request named its document by `documentId` (sha256:<manifest id>),
 * in the query string of a GET or the JSON body of a POST, and carried no
 * document text (no `query`, no APQ extension); these documents, in order.
 */
function expectSentById(sent: SentRequest[], frontend: Frontend, expected: [method: string, operation: string][]): void {
  const names = manifestNames(frontend);
  const seen = sent.map((request) => {
    expect(request.url.pathname).toBe(`/graphql/${frontend}`);
    const fields: Record<string, unknown> =
      request.method === 'GET' ? Object.fromEntries(request.url.searchParams.entries()) : (request.body ?? {});
    expect(Object.keys(fields)).not.toContain('query');
    expect(JSON.stringify(fields.extensions ?? {})).not.toContain('persistedQuery');
    const documentId = String(fields.documentId);
    expect(documentId).toMatch(/^sha256:[0-9a-f]{64}$/);
    return [request.method, names.get(documentId.slice('sha256:'.length)) ?? `unknown id ${documentId}`];
  });
  expect(seen).toEqual(expected);
}
