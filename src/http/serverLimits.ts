/**
 * The gateway's `node:http` server with its limits: how long a client may
 * take to send a request, how large its head may be, how many connections
 * may be open, and how long an idle keep-alive connection stays.
 *
 * Why: with node's defaults (headers 60 s, whole request 300 s, no cap on
 * connections) 1,001 sockets trickling a byte per second held every file
 * descriptor of a `ulimit -n 1024` process for minutes, and no other request
 * got in. Here every socket is cut within seconds unless it makes progress,
 * the number of sockets stays below the descriptor limit, and what node
 * answers by itself (408, 431, 400) carries a body that states the rule and
 * `X-Content-Type-Options: nosniff`, like every other response.
 *
 * What happens at each limit:
 * - headers not complete within `headersTimeoutMs` of the connection's start (or of the
 *   request's first byte on a keep-alive connection), or the whole request not received within
 *   `requestTimeoutMs`: 408 and the socket is closed. node checks every `checkIntervalMs` (derived:
 *   a quarter of the shorter timeout, at most 1 s), so a cut comes up to that much late;
 * - a request head over `maxHeaderBytes`: 431 and the socket is closed;
 * - `maxConnections` open: node accepts each further connection and closes it at once, without a
 *   byte of response (the client sees a reset or "socket hang up"; nothing is queued). The drops are
 *   logged, at most one warning per 10 s with their count;
 * - idle keep-alive connections are closed after `keepAliveTimeoutMs`, and all at once as soon as
 *   the open connections reach 90 % of `maxConnections`: an idle socket never makes a new client be
 *   dropped. No cap of their own beyond that: below 90 % an idle socket costs a descriptor and a few
 *   KB, and a busy client (a load balancer, a benchmark) keeps its connections.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { HttpOptions } from '../config';
import { ErrorCode } from '../errors/catalogue';
import type { Logger } from '../logging/logger';

export type ServerLimits = Pick<HttpOptions, 'headersTimeoutMs' | 'requestTimeoutMs' | 'maxHeaderBytes' | 'maxConnections' | 'keepAliveTimeoutMs'>;

export interface HttpServerOptions {
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  limits: ServerLimits;
  /** Warnings about dropped connections; client errors at debug. */
  logger: Logger;
}

/** Open connections, as a fraction of `maxConnections`, at which idle keep-alive connections are closed. */
export const IDLE_REAP_FRACTION = 0.9;

export function createHttpServer(options: HttpServerOptions): Server {
  const { handler, limits, logger } = options;
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: checkIntervalMs(limits),
      maxHeaderSize: limits.maxHeaderBytes,
    },
    handler,
  );
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => answerClientError(error, socket, limits, logger));
  if (limits.maxConnections > 0) capConnections(server, limits.maxConnections, logger);
  return server;
}

/** How often node looks for connections past their timeouts. */
export function checkIntervalMs(limits: Pick<ServerLimits, 'headersTimeoutMs' | 'requestTimeoutMs'>): number {
  const timeouts = [limits.headersTimeoutMs, limits.requestTimeoutMs].filter((ms) => ms > 0);
  return timeouts.length === 0 ? 1000 : Math.max(10, Math.min(1000, Math.floor(Math.min(...timeouts) / 4)));
}

function capConnections(server: Server, maxConnections: number, logger: Logger): void {
  server.maxConnections = maxConnections;
  const reapAt = Math.max(1, Math.floor(maxConnections * IDLE_REAP_FRACTION));
  let open = 0;
  server.on('connection', (socket: Socket) => {
    open++;
    socket.once('close', () => open--);
    if (open >= reapAt) server.closeIdleConnections();
  });
  let dropped = 0;
  let warnedAt = -Infinity;
  server.on('drop', () => {
    dropped++;
    server.closeIdleConnections();
    const now = performance.now();
    if (now - warnedAt < 10_000) return;
    warnedAt = now;
    logger.warn({ dropped, maxConnections }, `connections dropped: ${maxConnections} open, the limit`);
    dropped = 0;
  });
}

/**
 * Replaces node's default answer to a client error with the same behaviour
 * (answer only if no response of ours has started on the socket, then close
 * it) and a body that says which rule was broken.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket, limits: ServerLimits, logger: Logger): void {
  logger.debug({ code: error.code }, 'client error');
  const response = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (error.code !== 'ECONNRESET' && socket.writable && !response?.headersSent) {
    const [status, reason, message] = describe(error.code, limits, Boolean(response));
    const body = JSON.stringify({ errors: [{ message, extensions: { code: ErrorCode.BAD_REQUEST } }] });
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nX-Content-Type-Options: nosniff\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

function describe(code: string | undefined, limits: ServerLimits, headersReceived: boolean): [number, string, string] {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return [431, 'Request Header Fields Too Large', `The request line and headers must be at most ${limits.maxHeaderBytes} bytes; received more.`];
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return headersReceived
        ? [408, 'Request Timeout', `The whole request must arrive within ${limits.requestTimeoutMs} ms; it had not.`]
        : [408, 'Request Timeout', `The request headers must arrive within ${limits.headersTimeoutMs} ms; they had not.`];
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return [413, 'Payload Too Large', 'The chunk extensions of the request body are too large.'];
    default:
      return [400, 'Bad Request', `The request is not valid HTTP/1.1 (${code ?? 'parse error'}).`];
  }
}
