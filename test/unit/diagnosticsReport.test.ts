/**
 * The call log and the report built from it (src/diagnostics), with an
 * injected clock: which call each call waited for, its level, its outcome in
 * words, and the critical path.
 */
import { CallLog } from '../../src/diagnostics/callLog';
import { diagnosticsReport, type ReportSources } from '../../src/diagnostics/report';

function logAt(): { log: CallLog; at: (ms: number) => void } {
  let now = 1000;
  return { log: new CallLog(1000, () => now), at: (ms) => void (now = 1000 + ms) };
}

const SOURCES: ReportSources = { lookups: new Map(), redis: { reads: 0, writes: 0, errors: 0 }, responseCache: undefined, cost: 12, trusted: false, maxCost: 5000 };

describe('which call a call waited for', () => {
  it('the last answered before it began, or the cause `within` gives it; its level is one more', () => {
    const { log, at } = logAt();
    const a = log.begin('catalog', 'GET /products?ids', 2);
    const b = log.begin('reviews', 'GET /ratings', 2);
    at(10);
    a.end('200', 200, true);
    const firstAnswer = log.lastAnswered();
    at(20);
    b.end('200', 200, true);
    // Began after both answers: it waited for the later one.
    log.begin('inventory', 'GET /stock', 1);
    // Formed when only the first had answered: handed that one.
    log.within(firstAnswer, () => log.begin('catalog', 'GET /categories', 1));
    expect(log.calls.map((c) => [c.route, c.level, c.after?.route ?? null])).toEqual([
      ['GET /products?ids', 1, null],
      ['GET /ratings', 1, null],
      ['GET /stock', 2, 'GET /ratings'],
      ['GET /categories', 2, 'GET /products?ids'],
    ]);
    expect(log.later(firstAnswer, log.lastAnswered())?.route).toBe('GET /ratings');
    expect(log.later(null, firstAnswer)).toBe(firstAnswer);
  });

  it('a call the gateway refused answered nothing: what follows did not wait for it', () => {
    const { log } = logAt();
    log.begin('recommendations', 'GET /recommendations', 1).end('circuit', undefined, false);
    expect(log.lastAnswered()).toBeNull();
    log.begin('catalog', 'GET /products?ids', 1);
    expect(log.calls[1]).toMatchObject({ level: 1, after: null });
  });
});

describe('the report', () => {
  it('outcomes in words, the status, the failure kind and retries', () => {
    const { log, at } = logAt();
    const ends: [string, number | undefined, boolean][] = [
      ['200', 200, true],
      ['404', 404, true],
      ['status', 503, true],
      ['timeout', undefined, true],
      ['deadline', undefined, false],
      ['aborted', undefined, true],
      ['circuit', undefined, false],
      ['bulkhead', undefined, false],
      ['payload', 200, true],
      ['unreachable', undefined, true],
    ];
    for (const [outcome, status, sent] of ends) {
      const call = log.begin('catalog', 'GET /products?ids', 1);
      if (outcome === 'status') call.retried();
      at(5);
      call.end(outcome, status, sent);
    }
    log.begin('catalog', 'GET /categories', 1);
    at(7);
    const { calls } = diagnosticsReport(log, SOURCES).downstream;
    expect(calls.map((c) => [c.outcome, c.status ?? null, c.failure ?? null, c.retries])).toEqual([
      ['ok', 200, null, 0],
      ['rejected', 404, null, 0],
      ['error', 503, 'status', 1],
      ['timeout', null, 'timeout', 0],
      ['timeout', null, 'deadline', 0],
      ['cancelled', null, 'aborted', 0],
      ['refused', null, 'circuit', 0],
      ['refused', null, 'bulkhead', 0],
      ['error', 200, 'payload', 0],
      ['error', null, 'unreachable', 0],
      ['pending', null, null, 0],
    ]);
    // Still out: no duration, and counted to now for the downstream time.
    expect(calls[10]).toMatchObject({ durationMs: null, startMs: 5 });
  });

  it('the critical path runs back from the call that ended last; levels, times and cost', () => {
    const { log, at } = logAt();
    const product = log.begin('catalog', 'GET /products?ids', 1);
    const recommendations = log.begin('recommendations', 'GET /recommendations', 1);
    at(10);
    product.end('200', 200, true);
    const stock = log.begin('inventory', 'GET /stock', 1);
    at(30);
    recommendations.end('200', 200, true);
    const ratings = log.begin('reviews', 'GET /ratings', 9);
    at(35);
    stock.end('200', 200, true);
    at(50.04);
    ratings.end('200', 200, true);
    at(52);
    const report = diagnosticsReport(log, { ...SOURCES, responseCache: 'miss' });
    expect(report.totalMs).toBe(52);
    expect(report.downstream.levels).toBe(2);
    expect(report.downstream.ms).toBe(50);
    expect(report.downstream.criticalPath).toEqual({ calls: [1, 3], ms: 50 });
    expect(report.downstream.calls.map((c) => [c.id, c.level, c.after, c.critical])).toEqual([
      [0, 1, null, false],
      [1, 1, null, true],
      [2, 2, 0, false],
      [3, 2, 1, true],
    ]);
    expect(report.downstream.calls[3]).toMatchObject({ startMs: 30, durationMs: 20 });
    expect(report.cache.response).toBe('miss');
    expect(report.cost).toEqual({ estimated: 12, limit: 5000, trusted: false, enforced: true });
  });

  it('without calls or a cost limit', () => {
    const { log } = logAt();
    const report = diagnosticsReport(log, { ...SOURCES, cost: undefined, trusted: true, maxCost: 0 });
    expect(report.downstream).toEqual({ calls: [], levels: 0, ms: 0, criticalPath: { calls: [], ms: 0 } });
    expect(report.cache.response).toBe('bypass');
    expect(report.cost).toEqual({ estimated: null, limit: null, trusted: true, enforced: false });
  });
});
