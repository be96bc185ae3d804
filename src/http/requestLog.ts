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
  /** The request's trace id, when tracing is on (telemetry/tracing.ts); the line then carries it as `traceId`. */
  traceId?: () => string | undefined;
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
  const { metrics, traceId } = options;
  const lines = options.logger.child({}, { redact: [] });
  return ({ requestId, frontend, status, ms, record, session }) => {
    const response = record.responseCache ?? 'bypass';
    metrics.recordRequest(frontend, status, ms, record.downstreamCalls);
    if (session) metrics.recordCache(session.stats, session.staleIfError.length, response);
    lines.info(
      {
        requestId,
        ...(traceId ? { traceId: traceId() } : {}),
        frontend,
        operation: record.operationName,
        status,
        ms: Math.round(ms * 10) / 10,
        downstreamCalls: record.downstreamCalls,
        ...(session ? { cache: cacheSummary(session, response) } : {}),
      },
      'request',
    );
  };
}

/** The cache's part of the log line: hits by tier, misses, Redis round trips. */
function cacheSummary(session: CacheSession, response: string) {
  const { l1Hits, l2Hits, misses, stale, redisReads, redisWrites, redisErrors } = session.stats;
  return { l1: l1Hits, l2: l2Hits, miss: misses, stale, staleIfError: session.staleIfError.length, redisReads, redisWrites, redisErrors, response };
}
