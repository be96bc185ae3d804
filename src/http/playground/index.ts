/**
 * GraphiQL playground served entirely by the gateway (no CDN, strict CSP). One entry point, so the
 * server and the gateway import `./http/playground` without knowing how it is split:
 * - `negotiation.ts`: `wantsPlayground`, whether a request to a GraphQL endpoint is a browser asking for the page;
 * - `page.ts`: `createPlaygroundPage`, the HTML once per frontend, with its CSP;
 * - `assets.ts`: `servePlaygroundAsset`, GraphiQL, React, the browser scripts `client.js` and `waterfall.js`
 *   (the Waterfall panel), CSS and favicon.
 */
export { PLAYGROUND_ASSET_PREFIX, servePlaygroundAsset } from './assets';
export { wantsPlayground } from './negotiation';
export { createPlaygroundPage, playgroundCsp, renderPlaygroundHtml, type PlaygroundOperation, type PlaygroundOptions } from './page';
