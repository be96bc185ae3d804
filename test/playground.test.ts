import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { defaultOperationsDir } from '../src/config';
import { PLAYGROUND_ASSET_PREFIX, renderPlaygroundHtml, servePlaygroundAsset, wantsPlayground } from '../src/http/playground';
import { developmentToken } from '../src/context/developmentToken';
import { appDocument } from './helpers/contract';
import { waitFor } from './helpers/redis';
import { TEST_JWT_SECRET, startStack, type Stack } from './helpers/stack';

const CHROMIUM = '/usr/bin/chromium';

// Browser-side view for page.waitForFunction callbacks (tsconfig has no DOM lib). Casts only: the
// callbacks are serialized and run in the page, so they must not close over Node-side helpers.
interface PageElement {
  textContent: string | null;
  classList: { contains(name: string): boolean };
}
interface PageWindow {
  document: { querySelector(selector: string): PageElement | null; querySelectorAll(selector: string): ArrayLike<PageElement> };
  localStorage: { length: number; key(i: number): string | null; getItem(key: string): string | null };
}

// The contract's operations (operations/<frontend>/*.graphql), which the gateway preloads as tabs, in file order.
const WEB_OPERATIONS = ['WebAccountOrders', 'WebCategoryListing', 'WebPlaceOrder', 'WebProductPage', 'WebSubmitReview'];
const MOBILE_OPERATIONS = ['MobileHome', 'MobilePlaceOrder', 'MobileProduct', 'MobileSearch'];

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function rawRequest(origin: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, origin), { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The real gateway (playground on, as in testConfig) over the in-process demo services. */
let stack: Stack;
let origin: string;

beforeAll(async () => {
  stack = await startStack();
  origin = stack.url;
});

afterAll(async () => {
  await stack?.close();
});

describe('wantsPlayground', () => {
  const html = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
  test.each([
    ['GET', html, '/graphql/web', true],
    ['get', 'TEXT/HTML', '/graphql/mobile', true],
    ['GET', html, '/graphql/web?foo=1', true],
    [undefined, html, '/graphql/web', true],
    ['GET', html, '/graphql/web?query=%7Bhello%7D', false],
    ['GET', html, '/graphql/web?query=', false],
    ['GET', 'application/json', '/graphql/web', false],
    ['GET', 'application/graphql-response+json, application/json', '/graphql/web', false],
    ['GET', '*/*', '/graphql/web', false],
    ['GET', 'text/html;q=0, application/json', '/graphql/web', false],
    ['GET', undefined, '/graphql/web', false],
    ['POST', html, '/graphql/web', false],
    ['HEAD', html, '/graphql/web', false],
  ])('%s accept=%s %s → %s', (method, accept, url, expected) => {
    expect(wantsPlayground(method, accept, url)).toBe(expected);
  });
});

describe('playground over plain HTTP', () => {
  test('page: HTML with a strict CSP, title, config block, same-origin assets', async () => {
    const res = await rawRequest(origin, '/graphql/web', { Accept: 'text/html' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(res.headers['cache-control']).toBe('no-store');

    const html = res.body.toString('utf8');
    expect(html).toContain('<title>Storefront gateway — web playground</title>');
    // No inline script: every <script> is either external (src=) or the non-executable JSON block.
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(1);
    for (const [, attrs = '', body = ''] of scripts) {
      if (attrs.includes('type="application/json"')) continue;
      expect(attrs).toMatch(new RegExp(`src="${PLAYGROUND_ASSET_PREFIX}`));
      expect(body).toBe('');
    }
    // Every referenced URL is a gateway path.
    for (const [, url = ''] of html.matchAll(/(?:src|href)="([^"]+)"/g)) expect(url.startsWith('/')).toBe(true);

    const config = JSON.parse(/<script type="application\/json" id="playground-config">([^<]*)<\/script>/.exec(html)?.[1] ?? 'null');
    expect(config.frontend).toBe('web');
    expect(config.endpoint).toBe('/graphql/web');
    // testConfig has no development secret, so the gateway presets no Authorization header.
    expect(config.defaultHeaders).toBeNull();
    // One tab per contract operation, document as in operations/web/, example variables from operations/variables.json.
    expect(config.tabs).toHaveLength(WEB_OPERATIONS.length);
    const exampleVariables = JSON.parse(readFileSync(join(defaultOperationsDir(), 'variables.json'), 'utf8'));
    WEB_OPERATIONS.forEach((name, i) => {
      expect(config.tabs[i].query).toBe(`${readFileSync(join(defaultOperationsDir(), 'web', `${name}.graphql`), 'utf8').trim()}\n`);
      expect(config.tabs[i].query).toMatch(new RegExp(`(query|mutation) ${name}\\b`));
      expect(JSON.parse(config.tabs[i].variables)).toEqual(exampleVariables[name]);
    });
    expect(JSON.parse(config.tabs[WEB_OPERATIONS.indexOf('WebProductPage')].variables)).toEqual({ id: 'p-0001', reviewsFirst: 10 });

    // The style nonce is fresh per response and matches the CSP.
    expect(csp).toContain(`'nonce-${config.styleNonce}'`);
    const again = await rawRequest(origin, '/graphql/web', { Accept: 'text/html' });
    expect(again.headers['content-security-policy']).not.toBe(csp);
  });

  test('page per frontend: mobile has its own title, endpoint and operations', async () => {
    const res = await rawRequest(origin, '/graphql/mobile', { Accept: 'text/html' });
    expect(res.status).toBe(200);
    const html = res.body.toString('utf8');
    expect(html).toContain('<title>Storefront gateway — mobile playground</title>');
    expect(html).toContain('"endpoint":"/graphql/mobile"');
    const config = JSON.parse(/<script type="application\/json" id="playground-config">([^<]*)<\/script>/.exec(html)?.[1] ?? 'null');
    expect(config.endpoint).toBe('/graphql/mobile');
    expect(config.tabs).toHaveLength(MOBILE_OPERATIONS.length);
    MOBILE_OPERATIONS.forEach((name, i) => expect(config.tabs[i].query).toMatch(new RegExp(`(query|mutation) ${name}\\b`)));
    for (const name of WEB_OPERATIONS) expect(html).not.toContain(name);
  });

  test('config JSON escapes markup so an operation cannot break out of the script element', () => {
    const html = renderPlaygroundHtml(
      {
        frontend: 'web',
        endpointPath: '/graphql/web',
        operations: [{ name: 'Evil', document: '# </script><script>alert(1)</script><!--\nquery Evil { hello }', variables: { s: '</script>' } }],
      },
      'n0nce',
    );
    const block = /<script type="application\/json" id="playground-config">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    expect(block).not.toMatch(/[<>]/);
    const config = JSON.parse(block);
    expect(config.tabs[0].query).toContain('</script><script>alert(1)</script><!--');
    expect(JSON.parse(config.tabs[0].variables)).toEqual({ s: '</script>' });
  });

  test.each([
    ['graphiql.min.js', 'text/javascript; charset=utf-8'],
    ['graphiql.min.css', 'text/css; charset=utf-8'],
    ['react.production.min.js', 'text/javascript; charset=utf-8'],
    ['react-dom.production.min.js', 'text/javascript; charset=utf-8'],
    ['playground-client.js', 'text/javascript; charset=utf-8'],
    ['playground-waterfall.js', 'text/javascript; charset=utf-8'],
    ['graphql-ws.min.js', 'text/javascript; charset=utf-8'],
    ['playground-subscriptions.js', 'text/javascript; charset=utf-8'],
    ['playground.css', 'text/css; charset=utf-8'],
    ['favicon.svg', 'image/svg+xml'],
  ])('asset %s: 200, %s, immutable caching, ETag, 304 on revalidation', async (name, contentType) => {
    const res = await rawRequest(origin, `${PLAYGROUND_ASSET_PREFIX}${name}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(contentType);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers.etag).toMatch(/^"[\w-]+"$/);
    expect(res.body.length).toBeGreaterThan(50);
    expect(Number(res.headers['content-length'])).toBe(res.body.length);

    const revalidated = await rawRequest(origin, `${PLAYGROUND_ASSET_PREFIX}${name}`, { 'If-None-Match': String(res.headers.etag) });
    expect(revalidated.status).toBe(304);
    expect(revalidated.body.length).toBe(0);
  });

  test('assets: bundles are the real UMD builds, gzip on request, HEAD without body, 405 on POST', async () => {
    const graphiql = await rawRequest(origin, `${PLAYGROUND_ASSET_PREFIX}graphiql.min.js`);
    expect(graphiql.body.toString('utf8', 0, 400)).toContain('.GraphiQL=');
    const reactDom = await rawRequest(origin, `${PLAYGROUND_ASSET_PREFIX}react-dom.production.min.js`);
    expect(reactDom.body.toString('utf8')).toContain('18.3.1');

    const gz = await rawRequest(origin, `${PLAYGROUND_ASSET_PREFIX}graphiql.min.js`, { 'Accept-Encoding': 'br, gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toContain('Accept-Encoding');
    expect(gz.body.length).toBeLessThan(graphiql.body.length / 2);

    const head = await rawRequest(origin, `${PLAYGROUND_ASSET_PREFIX}graphiql.min.css`, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(Number(head.headers['content-length'])).toBeGreaterThan(1000);
    expect(head.body.length).toBe(0);

    const post = await rawRequest(origin, `${PLAYGROUND_ASSET_PREFIX}graphiql.min.css`, {}, 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });

  test('unknown assets and other paths fall through (false)', async () => {
    const fakeRes = { writeHead: jest.fn(), end: jest.fn() } as unknown as http.ServerResponse;
    const fakeReq = { method: 'GET', headers: {} } as http.IncomingMessage;
    expect(servePlaygroundAsset(`${PLAYGROUND_ASSET_PREFIX}nope.js`, fakeReq, fakeRes)).toBe(false);
    expect(servePlaygroundAsset(`${PLAYGROUND_ASSET_PREFIX}../package.json`, fakeReq, fakeRes)).toBe(false);
    expect(servePlaygroundAsset(`${PLAYGROUND_ASSET_PREFIX}`, fakeReq, fakeRes)).toBe(false);
    expect(servePlaygroundAsset('/graphiql.min.js', fakeReq, fakeRes)).toBe(false);
    expect(fakeRes.writeHead).not.toHaveBeenCalled();

    // The gateway's router then answers with its own 404.
    const res = await rawRequest(origin, `${PLAYGROUND_ASSET_PREFIX}nope.js`);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(res.body.toString('utf8')).errors[0].message).toContain(`No route ${PLAYGROUND_ASSET_PREFIX}nope.js`);
  });

  test('API requests to the endpoint are not hijacked by the page', async () => {
    // A GraphQL-over-HTTP GET is executed by the gateway, not answered with the page.
    const api = await rawRequest(origin, `/graphql/web?query=${encodeURIComponent('{__typename}')}`, {
      Accept: 'application/json',
      'apollo-require-preflight': 'true',
    });
    expect(api.status).toBe(200);
    expect(api.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(api.body.toString('utf8')).data).toEqual({ __typename: 'Query' });

    // Even when the client asks for HTML (a browser tab with ?query=…), the page stays out of the way.
    const fromBrowser = await rawRequest(origin, `/graphql/web?query=${encodeURIComponent('{__typename}')}`, { Accept: 'text/html' });
    expect(fromBrowser.headers['content-type']).not.toMatch(/^text\/html/);
    expect(fromBrowser.body.toString()).not.toContain('<!doctype html>');

    // POSTs go to GraphQL whatever the Accept header.
    const post = await stack.graphql('web', '{ __typename }', undefined, { accept: 'text/html, application/json' });
    expect(post.body.data).toEqual({ __typename: 'Query' });
  });
});

describe('playground in Chromium', () => {
  let browser: Browser;
  let playgroundOff: Stack | undefined;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get update && apt-get install -y chromium`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await playgroundOff?.close();
  });

  /** Collects every request, page error, console error/warning of a page. */
  function watch(page: Page): { requested: string[]; problems: string[] } {
    const requested: string[] = [];
    const problems: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    page.on('websocket', (ws) => requested.push(ws.url()));
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
    });
    return { requested, problems };
  }

  async function openPlayground(page: Page, frontend: 'web' | 'mobile', problems: string[]): Promise<void> {
    const response = await page.goto(`${origin}/graphql/${frontend}`);
    expect(response?.status()).toBe(200);
    expect(await page.title()).toBe(`Storefront gateway — ${frontend} playground`);
    await page.waitForSelector('.graphiql-container .graphiql-query-editor .CodeMirror').catch((e: Error) => {
      throw new Error(`GraphiQL did not render: ${e.message}\nPage problems:\n${problems.join('\n')}`);
    });
  }

  const tabNames = (page: Page) => page.$$eval('.graphiql-tab .graphiql-tab-button', (els) => els.map((e) => e.textContent?.trim()));

  async function selectTab(page: Page, name: string): Promise<void> {
    await page.click(`.graphiql-tab .graphiql-tab-button:text-is("${name}")`);
    await page.waitForFunction(
      (n) => (globalThis as unknown as PageWindow).document.querySelector('.graphiql-tab-active .graphiql-tab-button')?.textContent?.trim() === n,
      name,
    );
    // The query editor shows the tab's operation.
    await page.waitForFunction(
      (n) =>
        new RegExp(`(query|mutation) ${n}\\b`).test((globalThis as unknown as PageWindow).document.querySelector('.graphiql-query-editor')?.textContent ?? ''),
      name,
    );
  }

  /** Waits until the visible editor tool (variables or headers) shows `text`. */
  const editorToolShows = (page: Page, text: string) =>
    page.waitForFunction(
      (t) =>
        Array.from((globalThis as unknown as PageWindow).document.querySelectorAll('.graphiql-editor-tool .graphiql-editor:not(.hidden)')).some(
          (e) => e.textContent?.includes(t) ?? false,
        ),
      text,
    );

  /** Waits until the result pane (whitespace collapsed) contains `text`. */
  const responseShows = (page: Page, text: string) =>
    page.waitForFunction(
      (t) =>
        ((globalThis as unknown as PageWindow).document.querySelector('.graphiql-response')?.textContent ?? '').replace(/\s+/g, ' ').includes(t),
      text,
    );

  test('renders GraphiQL from the gateway only, with the contract operations as tabs, and runs them against the real schema', async () => {
    const product = stack.demo.data.productsById.get('p-0001')!;
    const user = stack.demo.data.usersById.get('u-0001')!;
    expect(product.name).toBe('Brass Desk Lamp');
    const token = await developmentToken('u-0001', TEST_JWT_SECRET);

    const context = await browser.newContext({ viewport: { width: 1400, height: 850 } });
    const page = await context.newPage();
    const { requested, problems } = watch(page);

    try {
      await openPlayground(page, 'web', problems);
      expect(await tabNames(page)).toEqual(WEB_OPERATIONS);

      // WebProductPage: its example variables are preloaded, and running it returns the product from the catalog service.
      await selectTab(page, 'WebProductPage');
      await editorToolShows(page, '"id": "p-0001"');
      await page.click('.graphiql-execute-button');
      await responseShows(page, `"name": ${JSON.stringify(product.name)}`);
      await responseShows(page, '"id": "p-0001"');
      await page.screenshot({ path: '/tmp/playground-real.png' });

      // WebAccountOrders: without a token, `me` is null.
      await selectTab(page, 'WebAccountOrders');
      await editorToolShows(page, '"first": 10');
      await page.click('.graphiql-execute-button');
      await responseShows(page, '"me": null');

      // Paste a bearer token into the headers editor and run again: now it is u-0001's account.
      await page.click('.graphiql-editor-tools button:has-text("Headers")');
      await page.click('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror');
      await page.keyboard.press('Control+A');
      await page.keyboard.insertText(JSON.stringify({ Authorization: `Bearer ${token}` }));
      await editorToolShows(page, token);
      await page.click('.graphiql-execute-button');
      await responseShows(page, `"displayName": ${JSON.stringify(user.displayName)}`);
      await responseShows(page, '"id": "u-0001"');

      // The pasted token stays out of localStorage (tabs, history), and GraphiQL's keys are namespaced.
      const stored = await page.evaluate(() => {
        const ls = (globalThis as unknown as PageWindow).localStorage;
        return Array.from({ length: ls.length }, (_, i) => [ls.key(i) ?? '', ls.getItem(ls.key(i) ?? '') ?? ''] as const);
      });
      expect(stored.filter(([key]) => !key.startsWith('storefront-bff:web:'))).toEqual([]);
      expect(stored.filter(([, value]) => value.includes(token))).toEqual([]);

      // Mobile has its own page with its own contract operations.
      await openPlayground(page, 'mobile', problems);
      expect(await tabNames(page)).toEqual(MOBILE_OPERATIONS);
      await selectTab(page, 'MobileProduct');
      await page.click('.graphiql-execute-button');
      await responseShows(page, `"name": ${JSON.stringify(product.name)}`);

      // Everything the pages loaded came from the gateway's own origin (no CDN, no fonts elsewhere).
      expect(requested.length).toBeGreaterThan(6);
      const foreign = requested.filter((u) => !u.startsWith('data:') && new URL(u).origin !== origin);
      expect(foreign).toEqual([]);
      expect(requested).toEqual(expect.arrayContaining([`${origin}/graphql/web`, `${origin}/graphql/mobile`]));
      expect(requested.some((u) => u.startsWith(`${origin}${PLAYGROUND_ASSET_PREFIX}graphiql.min.js`))).toBe(true);
      // No CSP violations, script errors or failed requests along the way.
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);

  test('runs a subscription over WebSocket (graphql-ws served by the gateway): an order through HTTP shows in the result pane', async () => {
    const sku = stack.demo.data.productsById.get('p-0002')!.sku;
    const context = await browser.newContext({ viewport: { width: 1400, height: 850 } });
    const page = await context.newPage();
    const { requested, problems } = watch(page);
    const listening = stack.gateway.live.listening;
    try {
      await openPlayground(page, 'web', problems);
      // The app's own subscription document (documents/web/), typed into the query editor, its variables into theirs.
      await page.click('.graphiql-query-editor .CodeMirror');
      await page.keyboard.press('Control+A');
      await page.keyboard.insertText(appDocument('WebProductStock').document);
      await page.click('.graphiql-editor-tools button:has-text("Variables")');
      await page.click('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror');
      await page.keyboard.press('Control+A');
      await page.keyboard.insertText(JSON.stringify({ productIds: ['p-0002'] }));
      await editorToolShows(page, '"p-0002"');
      await page.click('.graphiql-execute-button');
      await waitFor(() => stack.gateway.live.listening === listening + 1, 'the playground subscription');

      const token = await developmentToken('u-0002', TEST_JWT_SECRET);
      const placed = await stack.graphql('web', 'mutation { placeOrder(input: { lines: [{ productId: "p-0002", quantity: 3 }] }) { __typename } }', undefined, { authorization: `Bearer ${token}` });
      expect(placed.body.data).toEqual({ placeOrder: { __typename: 'PlaceOrderSuccess' } });
      await responseShows(page, `"quantity": ${stack.demo.data.stockBySku.get(sku)!.available}`);
      await responseShows(page, '"productId": "p-0002"');

      // The execute button stops it: the subscription ends on the gateway.
      await page.click('.graphiql-execute-button');
      await waitFor(() => stack.gateway.live.listening === listening, 'the subscription to end');
      const sockets = requested.filter((u) => u.startsWith('ws:'));
      expect(sockets).toEqual([`${origin.replace('http', 'ws')}/graphql/web`]);
      expect(requested.some((u) => u.startsWith(`${origin}${PLAYGROUND_ASSET_PREFIX}graphql-ws.min.js`))).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);

  test('with playground: false the gateway serves no page and no assets', async () => {
    playgroundOff = await startStack({ config: { playground: false } });
    const offOrigin = playgroundOff.url;
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      const response = await page.goto(`${offOrigin}/graphql/web`);
      expect(response).not.toBeNull();
      expect(response!.headers()['content-type']).not.toMatch(/^text\/html/);
      expect(await response!.text()).not.toContain('playground-config');
      expect(await page.$('#graphiql')).toBeNull();
      expect(await page.title()).not.toContain('playground');

      const asset = await rawRequest(offOrigin, `${PLAYGROUND_ASSET_PREFIX}graphiql.min.js`);
      expect(asset.status).toBe(404);
      // The endpoint still answers GraphQL.
      expect((await playgroundOff.graphql('web', '{ __typename }')).body.data).toEqual({ __typename: 'Query' });
    } finally {
      await context.close();
    }
  }, 60_000);
});
