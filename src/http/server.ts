/**
 * The gateway's HTTP surface, routed by hand over `node:http`:
 *
 *   /graphql/web, /graphql/mobile   GraphQL over HTTP (GET, POST); in a browser, the playground
 *   /playground/assets/*            the playground's own scripts and styles (no CDN)
 *   /healthz                        liveness: the process serves HTTP
 *   /readyz                         readiness: every downstream service answers
 *   /metrics                        Prometheus text
 *
 * Every response carries `x-request-id`: the client's own, when it sent a
 * sane one, or a fresh UUID, and the same id is on the request's log line;
 * and `X-Content-Type-Options: nosniff`, so no browser reads a JSON error or
 * a metrics page as HTML. The GraphQL paths answer CORS preflights (cors.ts)
 * before anything else, and `/readyz` reports load shedding (loadShedding.ts).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RedisTier } from '../cache/redisTier';
import type { Frontend } from '../config';
import type { Downstream } from '../downstream';
import type { Cors } from './cors';
import type { GraphQLEndpoint } from './graphqlEndpoint';
import type { LoadShedder } from './loadShedding';
import type { Metrics } from './metrics';
import { servePlaygroundAsset, wantsPlayground } from './playground';
import { writeJson } from './responses';

export interface RouterOptions {
  endpoints: Record<Frontend, GraphQLEndpoint>;
  /** Playground page handlers per frontend, absent when the playground is off. */
  playgrounds: Partial<Record<Frontend, (req: IncomingMessage, res: ServerResponse) => void>>;
  downstream: Downstream;
  metrics: Metrics;
  /** Null without REDIS_URL. */
  redis: RedisTier | null;
  cors: Cors;
  shedder: LoadShedder;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function createRouter(options: RouterOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { endpoints, playgrounds, downstream, metrics, redis, cors, shedder } = options;

  return (req, res) => {
    res.setHeader('x-content-type-options', 'nosniff');
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
      // Unreachable services make the instance unready (503). Redis down only
      // degrades it: requests still succeed from L1 and the services. Shedding is
      // reported; only shedding without a break for SHED_UNREADY_AFTER_MS makes it 503.
      const shedding = shedder.status();
      void Promise.all([downstream.reachability(), redis ? redis.ping() : Promise.resolve(null)]).then(([services, redisUp]) => {
        const ready = Object.values(services).every(Boolean);
        const status = !ready ? 'unready' : shedding.persistent ? 'overloaded' : redisUp === false ? 'degraded' : 'ready';
        writeJson(res, ready && !shedding.persistent ? 200 : 503, {
          status,
          downstream: services,
          redis: redisUp === null ? 'not configured' : redisUp ? 'up' : 'down',
          shedding,
        });
      });
      return;
    }
    if (path === '/metrics') {
      const text = metrics.render();
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(text);
      return;
    }
    writeJson(res, 404, { errors: [{ message: `No route ${path}; the GraphQL endpoints are /graphql/web and /graphql/mobile.` }] });
  };
}
