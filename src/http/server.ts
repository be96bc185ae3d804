/**
 * The gateway's HTTP surface, routed by hand over `node:http`:
 *
 *   /graphql/web, /graphql/mobile   GraphQL over HTTP (GET, POST); in a browser, the playground
 *   /playground/assets/*            the playground's own scripts and styles (no CDN)
 *   /healthz                        liveness: the process serves HTTP
 *   /readyz                         readiness: can this instance serve (readiness.ts)
 *   /metrics                        Prometheus text (unless METRICS_PORT serves it apart)
 *
 * Every response carries `x-request-id`: the client's own, when it sent a
 * sane one, or a fresh UUID, and the same id is on the request's log line;
 * and `X-Content-Type-Options: nosniff`, so no browser reads a JSON error or
 * a metrics page as HTML. The GraphQL paths answer CORS preflights (cors.ts)
 * before anything else. While the instance drains, every response closes
 * its connection.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Frontend } from '../config';
import type { Cors } from './cors';
import type { GraphQLEndpoint } from './graphqlEndpoint';
import type { Lifecycle } from './lifecycle';
import type { Metrics } from './metrics';
import { servePlaygroundAsset, wantsPlayground } from './playground';
import { readiness, type ReadinessSources } from './readiness';
import { writeJson } from './responses';

export interface RouterOptions {
  endpoints: Record<Frontend, GraphQLEndpoint>;
  /** Playground page handlers per frontend, absent when the playground is off. */
  playgrounds: Partial<Record<Frontend, (req: IncomingMessage, res: ServerResponse) => void>>;
  /** What /readyz answers from. */
  readiness: ReadinessSources;
  /** Null when /metrics is served on its own port (METRICS_PORT). */
  metrics: Metrics | null;
  cors: Cors;
  lifecycle: Lifecycle;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function createRouter(options: RouterOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { endpoints, playgrounds, metrics, cors, lifecycle } = options;

  return (req, res) => {
    res.setHeader('x-content-type-options', 'nosniff');
    // Draining: each response closes its connection, so keep-alive clients move to an instance that stays.
    if (lifecycle.draining) res.setHeader('connection', 'close');
    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('x-request-id', requestId);

    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q >= 0 ? url.slice(0, q) : url;

    const frontend = path === '/graphql/web' ? 'web' : path === '/graphql/mobile' ? 'mobile' : null;
    if (frontend) {
      if (cors.handle(frontend, req, res)) return;
      const page = playgrounds[frontend];
      if (page && wantsPlayground(req.method, req.headers.accept, url)) {
        page(req, res);
        return;
      }
      void endpoints[frontend].handle(req, res, requestId);
      return;
    }
    if (path.startsWith('/playground/assets/') && Object.keys(playgrounds).length > 0) {
      if (servePlaygroundAsset(path, req, res)) return;
    }
    if (path === '/healthz') {
      writeJson(res, 200, { status: 'ok' });
      return;
    }
    if (path === '/readyz') {
      const { status, body } = readiness(options.readiness);
      writeJson(res, status, body);
      return;
    }
    if (path === '/metrics' && metrics) {
      serveMetrics(metrics, res);
      return;
    }
    writeJson(res, 404, { errors: [{ message: `No route ${path}; the GraphQL endpoints are /graphql/web and /graphql/mobile.` }] });
  };
}

/** The Prometheus exposition of `metrics` (also the whole of the internal metrics port, METRICS_PORT). */
export function serveMetrics(metrics: Metrics, res: ServerResponse): void {
  metrics.render().then(
    (text) => {
      res.writeHead(200, { 'content-type': metrics.contentType });
      res.end(text);
    },
    () => writeJson(res, 500, { error: 'metrics could not be collected' }),
  );
}
