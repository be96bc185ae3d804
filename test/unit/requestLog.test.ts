/**
 * The request's log line (http/requestLog.ts) is written by hand, straight to
 * the logger's destination; it must be the very line pino wrote before:
 * the same fields, values and order, the same escaping, and nothing when the
 * logger's level drops `info`. The reference is pino itself (the gateway's
 * createLogger), given the same fields as the code this line replaced. The
 * lines of one turn of the event loop reach the destination as one write.
 */
import { CacheSession } from '../../src/cache/cacheSession';
import { EntityCache } from '../../src/cache/entityCache';
import type { RequestRecord } from '../../src/context/requestContext';
import { BatchScheduler } from '../../src/domain/batchScheduler';
import { Metrics } from '../../src/http/metrics';
import { requestLog, type FinishedRequest } from '../../src/http/requestLog';
import { createLogger } from '../../src/logging/logger';
import { capturedLogs } from '../helpers/logs';

const record = (fields: Partial<RequestRecord>): RequestRecord => ({ startedAt: 0, downstreamCalls: 0, operationName: null, ...fields }) as RequestRecord;

function sessionWith(stats: Partial<CacheSession['stats']>, staleIfError = 0): CacheSession {
  const cache = new EntityCache({ l1MaxBytes: 1024 * 1024, l2: null, logger: createLogger('silent') });
  const session = new CacheSession(cache, { downstreamCalls: 0 }, new BatchScheduler());
  Object.assign(session.stats, stats);
  for (let i = 0; i < staleIfError; i++) session.staleIfError.push({ entity: 'product', ageSeconds: 1, code: 'DOWNSTREAM_UNAVAILABLE', service: 'catalog' });
  return session;
}

/** What pino wrote for the same request. */
function pinoLine({ requestId, frontend, status, ms, record: r, session }: FinishedRequest): Record<string, unknown> {
  const logs = capturedLogs();
  const line: Record<string, unknown> = { requestId };
  if (r.traceId !== undefined) line.traceId = r.traceId;
  line.frontend = frontend;
  line.operation = r.operationName;
  line.status = status;
  line.ms = Math.round(ms * 10) / 10;
  line.downstreamCalls = r.downstreamCalls;
  if (r.lane) line.lane = r.lane;
  if (session) {
    const s = session.stats;
    line.cache = { l1: s.l1Hits, l2: s.l2Hits, miss: s.misses, stale: s.stale, staleIfError: session.staleIfError.length, redisReads: s.redisReads, redisWrites: s.redisWrites, redisErrors: s.redisErrors, response: r.responseCache ?? 'bypass' };
  }
  logs.logger.child({}, { redact: [] }).info(line, 'request');
  return logs.lines[0] as Record<string, unknown>;
}

const withoutTime = ({ time, ...rest }: Record<string, unknown>) => (expect(typeof time).toBe('number'), rest);

describe('the request log line', () => {
  const cases: [string, FinishedRequest][] = [
    ['a fast-lane cache hit', { requestId: 'a1b2', frontend: 'web', status: 200, ms: 1.26, record: record({ operationName: 'WebProductPage', trustedDocument: 'x', lane: 'fast', responseCache: 'hit' }), session: sessionWith({ l1Hits: 3, misses: 1, redisReads: 1 }, 2) }],
    ['a traced request through Apollo', { requestId: 'r-9', frontend: 'mobile', status: 200, ms: 48.04, record: record({ operationName: 'MobileHome', downstreamCalls: 4, traceId: '0af7651916cd43dd8448eb211c80319c' }), session: sessionWith({}) }],
    ['a refusal before any context', { requestId: 'x', frontend: 'web', status: 413, ms: 0.04, record: record({}), session: null }],
    ['a name a client made up, with characters to escape', { requestId: 'q', frontend: 'web', status: 400, ms: 2, record: record({ operationName: 'Evil"\\\n\u2028op' }), session: null }],
  ];

  it.each(cases)('is the line pino wrote: %s', (_name, finished) => {
    const logs = capturedLogs();
    const log = requestLog({ logger: logs.logger, metrics: new Metrics({ defaultMetrics: false }) });
    log(finished);
    log.flush();
    expect(logs.raw).toHaveLength(1);
    expect(logs.raw[0]?.endsWith('}\n')).toBe(true);
    const ours = logs.lines[0] as Record<string, unknown>;
    const theirs = pinoLine(finished);
    expect(Object.keys(ours)).toEqual(Object.keys(theirs));
    expect(withoutTime(ours)).toEqual(withoutTime(theirs));
    expect(Math.abs((ours.time as number) - Date.now())).toBeLessThan(60_000);
  });

  it('writes the lines of one turn of the event loop in one write, after the turn, in order', async () => {
    const logs = capturedLogs();
    const log = requestLog({ logger: logs.logger, metrics: new Metrics({ defaultMetrics: false }) });
    for (const id of ['r1', 'r2', 'r3']) log({ requestId: id, frontend: 'web', status: 200, ms: 1, record: record({ operationName: 'WebProductPage' }), session: null });
    expect(logs.raw).toEqual([]);
    await new Promise<void>((resolve) => setImmediate(resolve)); // the turn after the one the lines were recorded in
    expect(logs.raw).toHaveLength(1);
    expect(logs.lines.map((l) => l.requestId)).toEqual(['r1', 'r2', 'r3']);

    log({ requestId: 'r4', frontend: 'web', status: 200, ms: 1, record: record({}), session: null });
    log.flush();
    expect(logs.raw).toHaveLength(2);
    expect(logs.lines.map((l) => l.requestId)).toEqual(['r1', 'r2', 'r3', 'r4']);
    log.flush(); // nothing left: no empty write
    expect(logs.raw).toHaveLength(2);
  });

  it('writes nothing when the level drops info, and still counts the request', async () => {
    const logs = capturedLogs('warn');
    const metrics = new Metrics({ defaultMetrics: false });
    const log = requestLog({ logger: logs.logger, metrics });
    log({ requestId: 'a', frontend: 'web', status: 200, ms: 1, record: record({ operationName: 'WebProductPage', trustedDocument: 'x' }), session: null });
    log.flush();
    expect(logs.raw).toEqual([]);
    expect(await metrics.registry.getSingleMetricAsString('gateway_requests_total')).toContain('operation="WebProductPage",status="200"} 1');
  });
});
