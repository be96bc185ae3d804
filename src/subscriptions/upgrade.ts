/**
 * Which WebSocket upgrades the gateway accepts, decided on the HTTP request
 * before any WebSocket exists:
 *
 * - only at `/graphql/web` and `/graphql/mobile` (404 elsewhere);
 * - not while the instance drains or sheds load (503, `Retry-After`): the
 *   client connects to another instance;
 * - an `Origin` (every browser sends one) must be the page's own origin (the
 *   playground) or one of that frontend's CORS origins (`CORS_ORIGINS_WEB`,
 *   `CORS_ORIGINS_MOBILE`), else 403: a WebSocket is not subject to CORS in
 *   the browser, so the server is the only one that can refuse another
 *   site's page. Clients that send no `Origin` (apps, servers) are not
 *   affected.
 *
 * A refusal is a plain HTTP answer with the gateway's `{ errors }` body, and
 * the socket is closed.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { FRONTENDS, type Frontend } from '../config';
import { ErrorCode, quote } from '../errors/catalogue';

export interface UpgradeRules {
  /** False while the instance drains: new sockets go elsewhere. */
  accepting: () => boolean;
  /** A reason to refuse new work now (load shedding), or null. */
  overloaded: () => { retryAfterS: number; message: string } | null;
  /** The frontend's CORS allow-list has this origin. */
  originAllowed: (frontend: Frontend, origin: string) => boolean;
}

export type UpgradeDecision = { frontend: Frontend } | { status: number; code: string; message: string; headers?: Record<string, string> };

export function decideUpgrade(req: IncomingMessage, rules: UpgradeRules): UpgradeDecision {
  const url = req.url ?? '/';
  const path = url.split('?')[0] ?? '/';
  const frontend = FRONTENDS.find((f) => path === `/graphql/${f}`);
  if (!frontend) {
    return { status: 404, code: ErrorCode.BAD_REQUEST, message: `No WebSocket endpoint at ${quote(path)}; subscriptions are at /graphql/web and /graphql/mobile.` };
  }
  if (!rules.accepting()) {
    return { status: 503, code: ErrorCode.OVERLOADED, message: 'This instance is shutting down and takes no new connections: connect again (to another instance).', headers: { 'retry-after': '1' } };
  }
  const overloaded = rules.overloaded();
  if (overloaded) return { status: 503, code: ErrorCode.OVERLOADED, message: overloaded.message, headers: { 'retry-after': String(overloaded.retryAfterS) } };
  const origin = req.headers.origin;
  if (origin !== undefined && !sameOrigin(origin, req.headers.host) && !rules.originAllowed(frontend, origin)) {
    return {
      status: 403,
      code: ErrorCode.BAD_REQUEST,
      message: `WebSocket connections to /graphql/${frontend} are accepted only from this gateway's own pages and the origins configured for the ${frontend} frontend; received origin ${quote(origin)}.`,
    };
  }
  return { frontend };
}

/** Answers a refused upgrade and closes the socket. */
export function refuseUpgrade(socket: Duplex, refusal: Exclude<UpgradeDecision, { frontend: Frontend }>): void {
  const body = JSON.stringify({ errors: [{ message: refusal.message, extensions: { code: refusal.code } }] });
  const headers = Object.entries(refusal.headers ?? {}).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${refusal.status} ${REASONS[refusal.status] ?? 'Refused'}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nX-Content-Type-Options: nosniff\r\n${headers}\r\n${body}`,
    );
  }
  socket.destroy();
}

const REASONS: Record<number, string> = { 403: 'Forbidden', 404: 'Not Found', 503: 'Service Unavailable' };

/** The page that opens the socket is served by this gateway (the playground): its origin is the Host it asks. */
function sameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}
