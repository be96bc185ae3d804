/**
 * Records each finished HTTP request of a GraphQL endpoint: one log line and
 * its metrics, whether Apollo ran it or the endpoint refused it first (405,
 * 413, malformed JSON), so no request goes unaccounted.
 *
 * The line is built from a fixed list of fields without personal data (no
 * headers, variables or bodies), so it needs none of pino's per-line work:
 * no redaction pass, no serializers, no mixin, no merge of bindings. It is
 * written as the gateway's logger writes a line (createLogger: `level`,
 * epoch-ms `time`, the fields, `msg`, in that order), straight to that
 * logger's destination, when its level lets `info` through. Why: pino's
 * generic path (the object walked key by key, the nested cache summary
 * through its safe stringifier, string escaping, its hooks) took 4.5 µs per
 * line in a loop, against 0.5 µs for the write itself, on every request the
 * gateway serves; this builds one string from known shapes. Strings a client
 * can influence (the operation's name; the request id is already restricted
 * by http/server.ts) go through JSON.stringify. Every other line of the
 * gateway is pino's own, redaction included.
 *
 * Why the lines of one turn are written together: pino's destination
 * (sonic-boom) appends each write to the text still waiting for the file
 * descriptor and measures that whole text's UTF-8 length again, which
 * flattens it, so under load each line cost a copy of up to 16 KB (a tenth
 * of what a response-cache hit allocated). One write per turn of the event
 * loop (setImmediate) pays that once for all of the turn's lines; `flush`
 * writes them at once.
 */
import pino from 'pino';
import type { CacheSession } from '../cache/cacheSession';
import type { Frontend } from '../config';
import type { RequestRecord } from '../context/requestContext';
import type { Logger } from '../logging/logger';
import type { Metrics } from './metrics';

export interface RequestLogOptions {
  logger: Logger;
  metrics: Metrics;
}

export interface FinishedRequest {
  requestId: string;
  frontend: Frontend;
  status: number;
  /** Milliseconds from the request's arrival to its last byte written. */
  ms: number;
  record: RequestRecord;
  /** Null when the request never reached its context (refused before, or unauthenticated). */
  session: CacheSession | null;
}

export interface RequestLog {
  (request: FinishedRequest): void;
  /** Writes the lines recorded in this turn of the event loop now (the gateway's shutdown, tests). */
  flush(): void;
}

/** pino's number for `info`, the request line's level. */
const INFO = pino.levels.values.info as number;

export function requestLog(options: RequestLogOptions): RequestLog {
  const { logger, metrics } = options;
  const destination = (logger as unknown as Record<symbol, { write(line: string): unknown } | undefined>)[pino.symbols.streamSym];
  if (!destination) throw new Error('requestLog needs a pino logger (createLogger): it writes to its destination');
  // The lines of one turn of the event loop, written together (see below).
  let pending = '';
  const flush = () => {
    if (pending === '') return;
    const lines = pending;
    pending = '';
    destination.write(lines);
  };
  const log = ({ requestId, frontend, status, ms, record, session }: FinishedRequest) => {
    const response = record.responseCache ?? 'bypass';
    // A bounded label: a trusted operation's name, never a name a client made up.
    const operation = record.trustedDocument !== undefined && record.operationName ? record.operationName : 'other';
    metrics.recordRequest(frontend, operation, status, ms / 1000, record.downstreamCalls);
    if (record.rejection) metrics.recordRejection(frontend, record.rejection);
    if (session) {
      const { redisReads, redisWrites, redisErrors } = session.stats;
      metrics.recordRequestCache({ reads: redisReads, writes: redisWrites, errors: redisErrors }, response);
      for (const [family, l] of session.lookups) metrics.recordCacheLookups(family, l);
    }
    if (!logger.isLevelEnabled('info')) return;
    if (pending === '') setImmediate(flush);
    pending += requestLine(requestId, frontend, status, ms, record, session, response);
  };
  return Object.assign(log, { flush });
}

/**
 * The line, in this order: level, time, requestId, traceId (with tracing on: the request's trace,
 * http/tracedEndpoint.ts), frontend, operation (null until resolved), status, ms (one decimal),
 * downstreamCalls, lane (the fast lane), cache (with a session), msg. Undefined fields are left
 * out, as pino leaves them out.
 */
function requestLine(requestId: string, frontend: Frontend, status: number, ms: number, record: RequestRecord, session: CacheSession | null, response: string): string {
  let line = `{"level":${INFO},"time":${Date.now()},"requestId":${JSON.stringify(requestId)}`;
  if (record.traceId !== undefined) line += `,"traceId":"${record.traceId}"`;
  line += `,"frontend":"${frontend}"`;
  if (record.operationName !== undefined) line += `,"operation":${JSON.stringify(record.operationName)}`;
  line += `,"status":${status},"ms":${Math.round(ms * 10) / 10},"downstreamCalls":${record.downstreamCalls}`;
  if (record.lane) line += `,"lane":"${record.lane}"`;
  if (session) line += `,"cache":${cacheSummary(session, response)}`;
  return `${line},"msg":"request"}\n`;
}

/** The cache's part of the line: hits by tier, misses, Redis round trips. */
function cacheSummary(session: CacheSession, response: string): string {
  const { l1Hits, l2Hits, misses, stale, redisReads, redisWrites, redisErrors } = session.stats;
  return (
    `{"l1":${l1Hits},"l2":${l2Hits},"miss":${misses},"stale":${stale},"staleIfError":${session.staleIfError.length},` +
    `"redisReads":${redisReads},"redisWrites":${redisWrites},"redisErrors":${redisErrors},"response":"${response}"}`
  );
}
