/**
 * The playground's static assets, all served by the gateway itself (no CDN: the machine that runs it
 * may have no internet access, and the page's strict CSP forbids third-party origins anyway):
 * GraphiQL's UMD bundle + CSS, React/ReactDOM UMD production builds and graphql-ws's browser build
 * read from node_modules, the browser scripts `client.js` and `subscriptions.js` next to this file,
 * and a small stylesheet and favicon kept inline.
 *
 * Each asset is read on first request and then kept in memory with its gzip form and ETag. URLs carry
 * a version (`?v=`), so the responses can be cached as immutable for a year.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { projectRoot } from '../../config';
import { acceptsGzip } from './negotiation';

const gzipAsync = promisify(gzip);

export const PLAYGROUND_ASSET_PREFIX = '/playground/assets/';

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

/** The URL the page links an asset by: its path plus a cache-busting version. */
export function assetUrl(name: string): string {
  return `${PLAYGROUND_ASSET_PREFIX}${name}?v=${encodeURIComponent(assetVersion(name))}`;
}

/** A short content hash (URL-safe): asset versions here, the contract version in the page. */
export function shortHash(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('base64url').slice(0, 12);
}

// ---------------------------------------------------------------------------------------------
// The asset table
// ---------------------------------------------------------------------------------------------

interface AssetSource {
  contentType: string;
  /** Reads the bytes: from node_modules (package dir via require.resolve), a file, or inline content. */
  load: () => Promise<Buffer>;
}

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#e535ab"/><path d="M16 5l9.5 5.5v11L16 27l-9.5-5.5v-11z" fill="none" stroke="#fff" stroke-width="2"/></svg>`;

const PAGE_CSS = 'html,body{height:100%;margin:0;overflow:hidden}#graphiql{height:100vh}\n';

const ASSETS: ReadonlyMap<string, AssetSource> = new Map<string, AssetSource>([
  ['graphiql.min.js', { contentType: JS, load: fromPackage('graphiql', 'graphiql.min.js') }],
  ['graphiql.min.css', { contentType: CSS, load: fromPackage('graphiql', 'graphiql.min.css') }],
  // graphiql.min.js ends with `sourceMappingURL=index.umd.js.map` (only fetched by devtools).
  ['index.umd.js.map', { contentType: 'application/json; charset=utf-8', load: fromPackage('graphiql', 'graphiql.min.js.map') }],
  ['react.production.min.js', { contentType: JS, load: fromPackage('react', 'umd/react.production.min.js') }],
  ['react-dom.production.min.js', { contentType: JS, load: fromPackage('react-dom', 'umd/react-dom.production.min.js') }],
  ['playground-client.js', { contentType: JS, load: async () => readBrowserScript('client.js') }],
  ['playground-waterfall.js', { contentType: JS, load: async () => readBrowserScript('waterfall.js') }],
  // Subscriptions: graphql-ws's own browser build (global `graphqlWs`) and the script that uses it.
  ['graphql-ws.min.js', { contentType: JS, load: fromPackage('graphql-ws', 'umd/graphql-ws.min.js') }],
  ['playground-subscriptions.js', { contentType: JS, load: async () => readBrowserScript('subscriptions.js') }],
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
    case 'graphql-ws.min.js':
      return packageVersion('graphql-ws');
    case 'playground-client.js':
    case 'playground-waterfall.js':
    case 'playground-subscriptions.js':
      try {
        return shortHash(readBrowserScript(BROWSER_SCRIPTS[name]));
      } catch {
        return '0'; // unreadable: the asset itself answers 500, as a missing package's does
      }
    case 'playground.css':
      return shortHash(PAGE_CSS);
    case 'favicon.svg':
      return shortHash(FAVICON);
    default:
      return '0';
  }
}

// ---------------------------------------------------------------------------------------------
// Sources: packages and the client script
// ---------------------------------------------------------------------------------------------

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
 * The browser side, next to this file:
 * - `client.js` reads the JSON config block, namespaces GraphiQL's localStorage per frontend and per
 *   contract version (so /graphql/web and /graphql/mobile don't share tabs, and a changed contract
 *   shows the new operations instead of stale stored tabs), and renders GraphiQL;
 * - `waterfall.js` is the Waterfall panel (a GraphiQL plugin) that draws the last response's
 *   `extensions.diagnostics`, in a file of its own so client.js stays small;
 * - `subscriptions.js` runs subscriptions over graphql-ws (its browser build, `graphql-ws.min.js`).
 *
 * Located from the project root rather than `__dirname`: tsc does not copy .js files, so the compiled
 * dist/src/http/playground/ has none of them and `npm start` reads the ones in src/, like tests and tsx.
 */
type BrowserScript = 'client.js' | 'waterfall.js' | 'subscriptions.js';

const BROWSER_SCRIPTS: Record<'playground-client.js' | 'playground-waterfall.js' | 'playground-subscriptions.js', BrowserScript> = {
  'playground-client.js': 'client.js',
  'playground-waterfall.js': 'waterfall.js',
  'playground-subscriptions.js': 'subscriptions.js',
};

const browserScripts = new Map<BrowserScript, Buffer>();

/**
 * Read once, synchronously (the page's `?v=` hash is computed while rendering), and kept: the version
 * in the URL and the bytes served come from the same read. A failed read is retried next time.
 */
function readBrowserScript(file: BrowserScript): Buffer {
  let script = browserScripts.get(file);
  if (!script) browserScripts.set(file, (script = readFileSync(path.join(projectRoot(), 'src/http/playground', file))));
  return script;
}

// ---------------------------------------------------------------------------------------------
// Loading and conditional requests
// ---------------------------------------------------------------------------------------------

interface LoadedAsset {
  contentType: string;
  body: Buffer;
  gzipped: Buffer | undefined;
  etag: string;
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

function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === '*' || t === etag);
}
