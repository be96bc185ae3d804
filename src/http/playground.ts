/**
 * GraphiQL playground served entirely by the gateway (no CDN: the machine that runs it may have no
 * internet access, and a strict CSP forbids third-party origins anyway).
 *
 * - `wantsPlayground` decides whether a request to a GraphQL endpoint is a browser asking for the page.
 * - `createPlaygroundPage` renders the HTML once per frontend; the config (endpoint, contract
 *   operations as tabs, preset headers) travels in a non-executable JSON block, so the page has no
 *   inline script at all and the CSP can be `script-src 'self'`.
 * - `servePlaygroundAsset` serves GraphiQL's UMD bundle + CSS, React/ReactDOM UMD production builds
 *   (all read from node_modules on first request, then kept in memory), the small client script
 *   (embedded below, so it survives a tsc build that does not copy .js files) and a favicon.
 *
 * GraphiQL's CSS embeds its fonts as data: URIs and its icons are inline SVG elements, so the
 * page makes no request outside the gateway's origin.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);

export interface PlaygroundOperation {
  name: string;
  document: string;
  variables?: Record<string, unknown>;
}

export interface PlaygroundOptions {
  frontend: 'web' | 'mobile';
  /** e.g. '/graphql/web': the page POSTs queries here (same origin). */
  endpointPath: string;
  /** Preloaded as tabs, in order. */
  operations: PlaygroundOperation[];
  /** JSON text preset in the headers editor (e.g. a dev token), optional. */
  defaultHeaders?: string;
}

export const PLAYGROUND_ASSET_PREFIX = '/playground/assets/';

/**
 * Content-Security-Policy of the page; `nonce` is fresh per response. Notes on the non-default directives:
 * - style-src 'nonce-…'  GraphiQL's dialogs (Radix + react-remove-scroll) inject a <style> element at
 *   runtime; it carries the nonce from `window.__webpack_nonce__`, which the client script sets from the
 *   config block. No 'unsafe-inline' anywhere.
 * - font-src data:  GraphiQL's CSS inlines its fonts (Roboto, Fira Code) as data: URIs.
 * - img-src data:   CodeMirror/GraphiQL CSS may use data: images; nothing remote.
 */
export function playgroundCsp(nonce: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
    "font-src 'self' data:",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

// ---------------------------------------------------------------------------------------------
// wantsPlayground
// ---------------------------------------------------------------------------------------------

/** True when a request to a GraphQL endpoint comes from a browser that wants the page: GET, Accept includes text/html, and no `query` search param. */
export function wantsPlayground(method: string | undefined, accept: string | undefined, url: string): boolean {
  if ((method ?? 'GET').toUpperCase() !== 'GET') return false;
  if (!accept || !acceptsHtml(accept)) return false;
  let search: URLSearchParams;
  try {
    search = new URL(url, 'http://localhost').searchParams;
  } catch {
    return false;
  }
  // A GraphQL-over-HTTP GET (…?query=…) is an API call even from a browser tab.
  return !search.has('query');
}

function acceptsHtml(accept: string): boolean {
  for (const range of accept.split(',')) {
    const [type, ...params] = range.split(';');
    if (type?.trim().toLowerCase() !== 'text/html') continue;
    const q = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('q='));
    if (q !== undefined && Number(q.slice(2)) === 0) return false; // explicitly refused
    return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Assets
// ---------------------------------------------------------------------------------------------

interface AssetSource {
  contentType: string;
  /** Reads the bytes: from node_modules (package dir via require.resolve) or embedded content. */
  load: () => Promise<Buffer>;
}

interface LoadedAsset {
  contentType: string;
  body: Buffer;
  gzipped: Buffer | undefined;
  etag: string;
}

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

function packageDir(pkg: string): string {
  // graphiql/react/react-dom restrict deep imports via "exports"; package.json is always exported.
  return path.dirname(require.resolve(`${pkg}/package.json`));
}

function packageVersion(pkg: string): string {
  try {
    return String((require(`${pkg}/package.json`) as { version?: unknown }).version ?? '0');
  } catch {
    return '0';
  }
}

function fromPackage(pkg: string, file: string): () => Promise<Buffer> {
  return () => readFile(path.join(packageDir(pkg), file));
}

/**
 * The browser side: reads the JSON config block, namespaces GraphiQL's localStorage per frontend and
 * per contract version (so /graphql/web and /graphql/mobile don't share tabs, and a changed contract
 * shows the new operations instead of stale stored tabs), and renders GraphiQL.
 */
const CLIENT_SCRIPT = String.raw`/* Storefront gateway playground: renders GraphiQL from the #playground-config JSON block. */
(function () {
  'use strict';
  var configElement = document.getElementById('playground-config');
  var config = JSON.parse(configElement.textContent);
  var prefix = 'storefront-bff:' + config.frontend + ':';
  var namespace = prefix + config.contractVersion + ':';
  // Runtime-injected <style> elements (dialogs) take their CSP nonce from this global.
  window.__webpack_nonce__ = config.styleNonce;

  function safe(fn, fallback) {
    try { return fn(); } catch (e) { return fallback; }
  }

  // Drop state stored for an older contract of this frontend.
  safe(function () {
    var stale = [];
    for (var i = 0; i < localStorage.length; i++) {
      var key = localStorage.key(i);
      if (key && key.indexOf(prefix) === 0 && key.indexOf(namespace) !== 0) stale.push(key);
    }
    stale.forEach(function (key) { localStorage.removeItem(key); });
  });

  // shouldPersistHeaders=false keeps headers out of the stored tabs, but GraphiQL's history and
  // favorites store each run's headers regardless: strip them there too (unless the developer turned
  // "persist headers" on in the settings dialog), so pasted bearer tokens stay out of localStorage.
  function withoutHeaders(key, value) {
    if (key !== 'graphiql:queries' && key !== 'graphiql:favorites') return value;
    if (safe(function () { return localStorage.getItem(namespace + 'graphiql:shouldPersistHeaders'); }, null) === 'true') return value;
    return safe(function () {
      var parsed = JSON.parse(value);
      (parsed.queries || []).forEach(function (entry) { if (entry) delete entry.headers; });
      return JSON.stringify(parsed);
    }, value);
  }

  var storage = {
    getItem: function (key) { return safe(function () { return localStorage.getItem(namespace + key); }, null); },
    setItem: function (key, value) { localStorage.setItem(namespace + key, withoutHeaders(key, value)); },
    removeItem: function (key) { safe(function () { localStorage.removeItem(namespace + key); }); },
    clear: function () {
      safe(function () {
        var keys = [];
        for (var i = 0; i < localStorage.length; i++) {
          var key = localStorage.key(i);
          if (key && key.indexOf(namespace) === 0) keys.push(key);
        }
        keys.forEach(function (key) { localStorage.removeItem(key); });
      });
    },
    get length() {
      return safe(function () {
        var n = 0;
        for (var i = 0; i < localStorage.length; i++) {
          var key = localStorage.key(i);
          if (key && key.indexOf(namespace) === 0) n++;
        }
        return n;
      }, 0);
    }
  };

  // GraphiQL updates the query editor's operation name 100 ms (debounced) after its text changes, so
  // "Run" right after switching tabs would send the previous tab's operationName ("Unknown operation
  // named …"). Drop an operationName the document does not define; the server then runs the single
  // operation it contains.
  function definesOperation(query, name) {
    return /^[_A-Za-z][_0-9A-Za-z]*$/.test(name) &&
      new RegExp('(^|[^_0-9A-Za-z])(query|mutation|subscription)\\s+' + name + '(?![_0-9A-Za-z])').test(query);
  }
  var baseFetcher = GraphiQL.createFetcher({ url: new URL(config.endpoint, window.location.href).href });
  function fetcher(params, options) {
    if (params && typeof params.query === 'string' && params.operationName && !definesOperation(params.query, params.operationName)) {
      params = Object.assign({}, params);
      delete params.operationName;
    }
    return baseFetcher(params, options);
  }

  var props = {
    fetcher: fetcher,
    // Content of tabs opened with "+" (and of the only tab when no operations were given).
    defaultQuery: '# ' + config.frontend + ' playground: queries run against ' + config.endpoint + '\n',
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: false,
    defaultEditorToolsVisibility: 'variables',
    storage: storage
  };
  if (config.tabs.length) props.defaultTabs = config.tabs; // [] would leave GraphiQL with no tab at all
  if (config.defaultHeaders) props.defaultHeaders = config.defaultHeaders;

  ReactDOM.createRoot(document.getElementById('graphiql')).render(React.createElement(GraphiQL, props));
})();
`;

const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#e535ab"/><path d="M16 5l9.5 5.5v11L16 27l-9.5-5.5v-11z" fill="none" stroke="#fff" stroke-width="2"/></svg>`;

const PAGE_CSS = 'html,body{height:100%;margin:0;overflow:hidden}#graphiql{height:100vh}\n';

const ASSETS: ReadonlyMap<string, AssetSource> = new Map<string, AssetSource>([
  ['graphiql.min.js', { contentType: JS, load: fromPackage('graphiql', 'graphiql.min.js') }],
  ['graphiql.min.css', { contentType: CSS, load: fromPackage('graphiql', 'graphiql.min.css') }],
  // graphiql.min.js ends with `sourceMappingURL=index.umd.js.map` (only fetched by devtools).
  ['index.umd.js.map', { contentType: 'application/json; charset=utf-8', load: fromPackage('graphiql', 'graphiql.min.js.map') }],
  ['react.production.min.js', { contentType: JS, load: fromPackage('react', 'umd/react.production.min.js') }],
  ['react-dom.production.min.js', { contentType: JS, load: fromPackage('react-dom', 'umd/react-dom.production.min.js') }],
  ['playground-client.js', { contentType: JS, load: async () => Buffer.from(CLIENT_SCRIPT, 'utf8') }],
  ['playground.css', { contentType: CSS, load: async () => Buffer.from(PAGE_CSS, 'utf8') }],
  ['favicon.svg', { contentType: 'image/svg+xml', load: async () => Buffer.from(FAVICON, 'utf8') }],
]);

/** Cache-busting query string per asset, so the long-lived immutable caching is safe across upgrades. */
function assetVersion(name: string): string {
  switch (name) {
    case 'graphiql.min.js':
    case 'graphiql.min.css':
      return packageVersion('graphiql');
    case 'react.production.min.js':
      return packageVersion('react');
    case 'react-dom.production.min.js':
      return packageVersion('react-dom');
    case 'playground-client.js':
      return shortHash(CLIENT_SCRIPT);
    case 'playground.css':
      return shortHash(PAGE_CSS);
    case 'favicon.svg':
      return shortHash(FAVICON);
    default:
      return '0';
  }
}

function assetUrl(name: string): string {
  return `${PLAYGROUND_ASSET_PREFIX}${name}?v=${encodeURIComponent(assetVersion(name))}`;
}

const loaded = new Map<string, Promise<LoadedAsset>>();

function loadAsset(name: string, source: AssetSource): Promise<LoadedAsset> {
  let pending = loaded.get(name);
  if (!pending) {
    pending = source.load().then(async (body) => ({
      contentType: source.contentType,
      body,
      // Everything served here is text (JS, CSS, JSON, SVG); the bundles shrink ~4x.
      gzipped: body.length > 1024 ? await gzipAsync(body) : undefined,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
    }));
    // A failed read (e.g. a package missing) is retried on the next request rather than cached.
    pending.catch(() => loaded.delete(name));
    loaded.set(name, pending);
  }
  return pending;
}

/** Serves the static assets under PLAYGROUND_ASSET_PREFIX. Returns false when the path is not one of its assets. */
export function servePlaygroundAsset(pathname: string, req: IncomingMessage, res: ServerResponse): boolean {
  if (!pathname.startsWith(PLAYGROUND_ASSET_PREFIX)) return false;
  const name = pathname.slice(PLAYGROUND_ASSET_PREFIX.length);
  const source = ASSETS.get(name);
  if (!source) return false;

  const method = (req.method ?? 'GET').toUpperCase();
  if (method !== 'GET' && method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('Method Not Allowed\n');
    return true;
  }

  loadAsset(name, source).then(
    (asset) => {
      const headers: Record<string, string | number> = {
        'Content-Type': asset.contentType,
        'Cache-Control': 'public, max-age=31536000, immutable',
        ETag: asset.etag,
        'X-Content-Type-Options': 'nosniff',
        'Cross-Origin-Resource-Policy': 'same-origin',
        Vary: 'Accept-Encoding',
      };
      if (etagMatches(req.headers['if-none-match'], asset.etag)) {
        res.writeHead(304, headers);
        res.end();
        return;
      }
      let body = asset.body;
      if (asset.gzipped && acceptsGzip(req.headers['accept-encoding'])) {
        body = asset.gzipped;
        headers['Content-Encoding'] = 'gzip';
      }
      headers['Content-Length'] = body.length;
      res.writeHead(200, headers);
      res.end(method === 'HEAD' ? undefined : body);
    },
    (err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(`Playground asset unavailable: ${name} (${err instanceof Error ? err.message : String(err)})\n`);
    },
  );
  return true;
}

function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === '*' || t === etag);
}

function acceptsGzip(acceptEncoding: string | string[] | undefined): boolean {
  const value = Array.isArray(acceptEncoding) ? acceptEncoding.join(',') : acceptEncoding;
  if (!value) return false;
  return value.split(',').some((part) => {
    const [coding, ...params] = part.split(';');
    if (coding?.trim().toLowerCase() !== 'gzip') return false;
    const q = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

// ---------------------------------------------------------------------------------------------
// Page
// ---------------------------------------------------------------------------------------------

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 12);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON safe to embed in a <script type="application/json"> element (no `</script>`, no `<!--`). */
function jsonForScriptElement(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const NONCE_PLACEHOLDER = '@@PLAYGROUND_STYLE_NONCE@@';

/** The page with `nonce` as the style nonce (exported for tests and tooling). */
export function renderPlaygroundHtml(options: PlaygroundOptions, nonce: string): string {
  const tabs = options.operations.map((op) => ({
    query: op.document.trim() + '\n',
    variables: op.variables && Object.keys(op.variables).length > 0 ? JSON.stringify(op.variables, null, 2) : undefined,
    // No per-tab headers: GraphiQL shows `defaultHeaders` for tabs without their own, including tabs
    // restored from localStorage (headers are deliberately not persisted there).
  }));
  const config = {
    frontend: options.frontend,
    endpoint: options.endpointPath,
    tabs,
    defaultHeaders: options.defaultHeaders ?? null,
    // Changes whenever the contract changes: resets the tabs stored in localStorage.
    contractVersion: shortHash(JSON.stringify({ tabs, names: options.operations.map((op) => op.name) })),
    styleNonce: nonce,
  };
  const title = `Storefront gateway — ${options.frontend} playground`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<link rel="icon" type="image/svg+xml" href="${assetUrl('favicon.svg')}">
<link rel="stylesheet" href="${assetUrl('graphiql.min.css')}">
<link rel="stylesheet" href="${assetUrl('playground.css')}">
</head>
<body>
<div id="graphiql"><noscript>The ${escapeHtml(options.frontend)} GraphQL playground needs JavaScript.</noscript></div>
<script type="application/json" id="playground-config">${jsonForScriptElement(config)}</script>
<script src="${assetUrl('react.production.min.js')}"></script>
<script src="${assetUrl('react-dom.production.min.js')}"></script>
<script src="${assetUrl('graphiql.min.js')}"></script>
<script src="${assetUrl('playground-client.js')}"></script>
</body>
</html>
`;
}

/**
 * Renders the HTML page once per options (cached; only the per-response style nonce is spliced in)
 * and returns a handler writing it with a strict CSP.
 */
export function createPlaygroundPage(options: PlaygroundOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const [head = '', tail = ''] = renderPlaygroundHtml(options, NONCE_PLACEHOLDER).split(NONCE_PLACEHOLDER);
  return (req, res) => {
    const nonce = randomBytes(16).toString('base64');
    const html = Buffer.from(head + nonce + tail, 'utf8');
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': html.length,
      'Content-Security-Policy': playgroundCsp(nonce),
      // Per-response nonce, and the page embeds the contract, which changes with deploys.
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
      Vary: 'Accept',
    });
    res.end(req.method === 'HEAD' ? undefined : html);
  };
}
