/**
 * `extensions.diagnostics`: what one operation cost, for the developer who
 * sent it (README: "Diagnostics and the waterfall panel"). Built once, as the
 * response goes out, from what the request recorded anyway: its call log
 * (callLog.ts), its cache session's counts, and its record (cost, the
 * response cache's answer).
 *
 * Nothing personal goes in: routes are templates (`GET /users/{userId}/orders`,
 * never an id), keys are counted, not listed, and cache families are names.
 */
import type { CallLog, LoggedCall } from './callLog';

/** How a call ended, in words a frontend developer reads. */
export type CallOutcome = 'ok' | 'rejected' | 'error' | 'timeout' | 'cancelled' | 'refused' | 'pending';

export interface DownstreamCallDiagnostics {
  /** Its index in `calls` (calls are in the order they began). */
  id: number;
  service: string;
  /** The route template, e.g. `GET /products/{productId}/reviews`. */
  route: string;
  /** Keys asked for (ids of a batch; 1 otherwise). */
  keys: number;
  /** 1 + the level of the call it waited for; 1 when it waited for none. */
  level: number;
  /** ms from the request's arrival to the call's start. */
  startMs: number;
  /** null while it is still out (a prefetch nobody waits for any more). */
  durationMs: number | null;
  /**
   * `ok` (2xx), `rejected` (an expected 4xx, answered as data: not found,
   * invalid input), `error` (5xx, 429, a bad payload, unreachable), `timeout`
   * (its own, or the request's deadline: `failure` says which), `cancelled`
   * (nobody waited for it any more), `refused` (never sent: the circuit was
   * open or the bulkhead full), `pending` (still out).
   */
  outcome: CallOutcome;
  /** The HTTP status, when the service answered. */
  status?: number;
  /** The gateway's failure kind (downstream/serviceHttp.ts), when it failed. */
  failure?: string;
  /** Times the call was sent again (idempotent reads after a 502/503/504 or a reset connection). */
  retries: number;
  /** The id of the call it waited for, null for none. */
  after: number | null;
  /** On the critical path. */
  critical: boolean;
}

export interface FamilyOutcomes {
  l1: number;
  l2: number;
  miss: number;
  stale: number;
  staleIfError: number;
}

export interface CostDiagnostics {
  /** The estimate (graphql/operationCost.ts); null when the operation was never resolved. */
  estimated: number | null;
  /** MAX_COST; null when it is off. */
  limit: number | null;
  /** A trusted document is not held to the limit (it was checked when the gateway started). */
  trusted: boolean;
  /** Whether the limit applied to this request. */
  enforced: boolean;
}

export interface OperationDiagnostics {
  /** ms from the request's arrival to its response. */
  totalMs: number;
  downstream: {
    calls: DownstreamCallDiagnostics[];
    /** The deepest level: how many calls, each waiting for the one before, the request waited for. */
    levels: number;
    /** From the first call's start to the last call's end (0 without calls). */
    ms: number;
    /** The chain of calls that ended last, first call first, and its ms from the first's start to the last's end. */
    criticalPath: { calls: number[]; ms: number };
  };
  cache: {
    /** The whole-response cache: `hit` (nothing below ran), `miss`, `bypass` (signed in, a mutation, or off). */
    response: string;
    /** Lookups of each entity family by tier: L1 (this process), L2 (Redis), miss (fetched), stale (SWR), staleIfError. */
    entities: Record<string, FamilyOutcomes>;
    /** Redis round trips (pipelines) of the request. */
    redis: { reads: number; writes: number; errors: number };
  };
  cost: CostDiagnostics;
}

/** What the report reads besides the call log: the cache session's counts and the request's record. */
export interface ReportSources {
  lookups: ReadonlyMap<string, FamilyOutcomes>;
  redis: { reads: number; writes: number; errors: number };
  responseCache: string | undefined;
  cost: number | undefined;
  trusted: boolean;
  /** MAX_COST; 0 = off. */
  maxCost: number;
}

export function diagnosticsReport(log: CallLog, sources: ReportSources): OperationDiagnostics {
  const totalMs = log.elapsed();
  const ids = new Map<LoggedCall, number>(log.calls.map((call, i) => [call, i]));
  const critical = criticalPath(log.calls, totalMs);
  const onPath = new Set(critical);
  const calls = log.calls.map((call, id) => describe(call, id, call.after ? (ids.get(call.after) ?? null) : null, onPath.has(call)));
  const first = Math.min(...log.calls.map((c) => c.startMs));
  const last = Math.max(...log.calls.map((c) => c.endMs ?? totalMs));
  const head = critical[0];
  const limit = sources.maxCost > 0 ? sources.maxCost : null;
  return {
    totalMs: ms(totalMs),
    downstream: {
      calls,
      levels: Math.max(0, ...log.calls.map((c) => c.level)),
      ms: calls.length === 0 ? 0 : ms(last - first),
      criticalPath: { calls: critical.map((c) => ids.get(c) as number), ms: head ? ms(last - head.startMs) : 0 },
    },
    cache: {
      response: sources.responseCache ?? 'bypass',
      entities: Object.fromEntries([...sources.lookups].map(([family, outcomes]) => [family, { ...outcomes }])),
      redis: { ...sources.redis },
    },
    cost: { estimated: sources.cost ?? null, limit, trusted: sources.trusted, enforced: limit !== null && !sources.trusted },
  };
}

/** From the call that ended last back through what each waited for; first call first. */
function criticalPath(calls: readonly LoggedCall[], totalMs: number): LoggedCall[] {
  let end: LoggedCall | undefined;
  for (const call of calls) if (!end || (call.endMs ?? totalMs) > (end.endMs ?? totalMs)) end = call;
  const path: LoggedCall[] = [];
  for (let call: LoggedCall | null = end ?? null; call; call = call.after) path.unshift(call);
  return path;
}

function describe(call: LoggedCall, id: number, after: number | null, critical: boolean): DownstreamCallDiagnostics {
  const outcome = outcomeOf(call);
  return {
    id,
    service: call.service,
    route: call.route,
    keys: call.keys,
    level: call.level,
    startMs: ms(call.startMs),
    durationMs: call.endMs === null ? null : ms(call.endMs - call.startMs),
    outcome,
    ...(call.status !== undefined ? { status: call.status } : {}),
    ...(outcome !== 'ok' && outcome !== 'rejected' && outcome !== 'pending' ? { failure: call.outcome } : {}),
    retries: call.retries,
    after,
    critical,
  };
}

function outcomeOf(call: LoggedCall): CallOutcome {
  const { outcome } = call;
  if (outcome === 'pending') return 'pending';
  if (/^\d+$/.test(outcome)) return outcome.startsWith('2') ? 'ok' : 'rejected';
  switch (outcome) {
    case 'timeout':
    case 'deadline':
      return 'timeout';
    case 'aborted':
      return 'cancelled';
    case 'circuit':
    case 'bulkhead':
      return 'refused';
    default:
      return 'error';
  }
}

/** Milliseconds to a tenth. */
function ms(value: number): number {
  return Math.round(value * 10) / 10;
}
