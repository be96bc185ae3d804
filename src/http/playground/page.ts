/**
 * The playground's HTML page, one per frontend. The config (endpoint, contract operations as tabs,
 * preset headers) travels in a non-executable JSON block read by `client.js`, so the page has no
 * inline script at all and the CSP can be `script-src 'self'`. GraphiQL's CSS embeds its fonts as
 * data: URIs and its icons are inline SVG elements, so the page makes no request outside the
 * gateway's origin.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { assetUrl, shortHash } from './assets';

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
  /** Whether responses carry `extensions.diagnostics` (the Waterfall panel says so when they do not). Default false. */
  diagnostics?: boolean;
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
    diagnostics: options.diagnostics === true,
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
<script src="${assetUrl('playground-waterfall.js')}"></script>
<script src="${assetUrl('graphql-ws.min.js')}"></script>
<script src="${assetUrl('playground-subscriptions.js')}"></script>
<script src="${assetUrl('playground-client.js')}"></script>
</body>
</html>
`;
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
