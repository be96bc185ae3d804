/**
 * Records each finished HTTP request of a GraphQL endpoint: one log line and
 * its metrics, whether Apollo ran it or the endpoint refused it first (405,
 * 413, malformed JSON), so no request goes unaccounted.
 *
 * The line is built from a fixed list of fields without personal data (no
 * headers, variables or bodies), so it skips pino's redaction pass, which is
 * measurable per request; every other line of the gateway keeps it.
 */
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

export type RequestLog = (request: FinishedRequest) => void;

export function requestLog(options: RequestLogOptions): RequestLog {
  const { metrics } = options;
  const lines = options.logger.child({}, { redact: [] });
  return ({ requestId, frontend, status, ms, record, session }) => {
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
    // Fields in this order; the optional ones assigned rather than spread in (no object per field).
    const line: Record<string, unknown> = { requestId };
    // With tracing on, the request's trace (http/tracedEndpoint.ts); no field at all with it off.
    if (record.traceId !== undefined) line.traceId = record.traceId;
    line.frontend = frontend;
    line.operation = record.operationName;
    line.status = status;
    line.ms = Math.round(ms * 10) / 10;
    line.downstreamCalls = record.downstreamCalls;
    if (record.lane) line.lane = record.lane;
    if (session) line.cache = cacheSummary(session, response);
    lines.info(line, 'request');
  };
}

/** The cache's part of the log line: hits by tier, misses, Redis round trips. */
function cacheSummary(session: CacheSession, response: string) {
  const { l1Hits, l2Hits, misses, stale, redisReads, redisWrites, redisErrors } = session.stats;
  return { l1: l1Hits, l2: l2Hits, miss: misses, stale, staleIfError: session.staleIfError.length, redisReads, redisWrites, redisErrors, response };
}
