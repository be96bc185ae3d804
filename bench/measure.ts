/**
 * One measured run against the gateway: reset and snapshot the counters,
 * drive the load, wait for the gateway to finish, snapshot again.
 *
 * Why the denominators differ: latency and req/s are what the client saw
 * (autocannon's responses); the costs per request (downstream calls, Redis
 * round trips, CPU) are divided by the requests the gateway itself finished,
 * which also counts the few that were in flight when autocannon stopped the
 * clock (their downstream calls happened too).
 */
import { runLoad, type LoadResult, type Rotation } from './load';
import { demoRequestCount, diffMetrics, procMemory, resetDemoRequests, resetPeakRss, scrapeMetrics, settle } from './probes';
import type { GatewayProcess, Scenario } from './processes';

export type RunKind = 'latency' | 'throughput' | 'reference' | 'soak' | 'overload';

export interface GatewayCosts {
  /** GraphQL requests the gateway finished during the run. */
  requests: number;
  /** Downstream requests the demo services received (their own log). */
  downstreamCalls: number;
  /** The same as counted by the gateway (gateway_downstream_calls_total). */
  downstreamCallsByGateway: number;
  callsPerRequest: number;
  /** Downstream calls made on behalf of requests, as the gateway counts them (background refreshes excluded). */
  requestPathCalls: number;
  /** By 'service route', from the demo's log. */
  callsByRoute: Record<string, number>;
  redisReads: number;
  redisWrites: number;
  redisErrors: number;
  redisRoundtripsPerRequest: number;
  cacheLookups: Record<string, number>;
  responseCache: Record<string, number>;
  cpuMs: number;
  cpuMsPerRequest: number;
  /** VmRSS after the run. */
  rssMB: number;
  /** VmHWM: the peak during this run when `peakIsPerRun`, else since the gateway started. */
  peakRssMB: number;
  peakIsPerRun: boolean;
}

export interface RunRecord {
  operation: string;
  scenario: Scenario | 'bare';
  kind: RunKind;
  connections: number;
  durationS: number;
  load: LoadResult;
  gateway?: GatewayCosts;
}

/** The demo's log keeps about 100,000 entries; above that its count is cut and the gateway's own count is used. */
const DEMO_LOG_LIMIT = 100_000;

export async function measureGatewayRun(
  gateway: GatewayProcess,
  demoUrl: string,
  operation: string,
  kind: RunKind,
  rotation: Rotation,
  connections: number,
  durationS: number,
): Promise<RunRecord> {
  const peakIsPerRun = resetPeakRss(gateway.proc.pid);
  await resetDemoRequests(demoUrl);
  const before = await scrapeMetrics(gateway.url);
  const load = await runLoad(gateway.url, rotation, connections, durationS);
  const after = await settle(gateway.url);
  const demo = await demoRequestCount(demoUrl);
  const memory = procMemory(gateway.proc.pid);
  const d = diffMetrics(before, after);
  const perRequest = (n: number) => (d.requests > 0 ? n / d.requests : NaN);
  const downstreamCalls = demo.total >= DEMO_LOG_LIMIT ? d.downstreamCalls : demo.total;
  return {
    operation,
    scenario: gateway.scenario,
    kind,
    connections,
    durationS,
    load,
    gateway: {
      requests: d.requests,
      downstreamCalls,
      downstreamCallsByGateway: d.downstreamCalls,
      callsPerRequest: perRequest(downstreamCalls),
      requestPathCalls: d.requestDownstreamCalls,
      callsByRoute: demo.byRoute,
      redisReads: d.redisReads,
      redisWrites: d.redisWrites,
      redisErrors: d.redisErrors,
      redisRoundtripsPerRequest: perRequest(d.redisReads + d.redisWrites),
      cacheLookups: d.cacheLookups,
      responseCache: d.responseCache,
      cpuMs: d.cpuSeconds * 1000,
      cpuMsPerRequest: perRequest(d.cpuSeconds * 1000),
      rssMB: memory.rssMB,
      peakRssMB: memory.peakMB,
      peakIsPerRun,
    },
  };
}

/** A run against the bare reference server: only what the client sees. */
export async function measureReferenceRun(url: string, operation: string, rotation: Rotation, connections: number, durationS: number): Promise<RunRecord> {
  const load = await runLoad(url, rotation, connections, durationS);
  return { operation, scenario: 'bare', kind: 'reference', connections, durationS, load };
}

/** One line per run while the benchmark goes. */
export function progressLine(r: RunRecord): string {
  const l = r.load;
  const g = r.gateway;
  const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
  const parts = [
    `  ${`${r.scenario} ${r.kind} c=${r.connections}`.padEnd(31)} ${r.operation.padEnd(18)}`,
    `${f(l.reqPerSec, 0).padStart(6)} req/s`,
    `p50 ${f(l.latencyMs.p50)} p95 ${f(l.latencyMs.p95)} p99 ${f(l.latencyMs.p99)} ms`,
  ];
  if (g) parts.push(`calls ${f(g.callsPerRequest, 2)}/req`, `redis ${f(g.redisRoundtripsPerRequest, 2)}/req`, `cpu ${f(g.cpuMsPerRequest, 3)} ms/req`, `rss ${f(g.rssMB, 0)} MB`);
  const bad = l.non2xx + l.graphqlErrors + l.connectionErrors + l.timeouts;
  parts.push(bad ? `ERRORS non-2xx ${l.non2xx} gql ${l.graphqlErrors} conn ${l.connectionErrors} timeouts ${l.timeouts}${l.problemSamples[0] ? `; first: ${l.problemSamples[0]}` : ''}` : 'no errors');
  return parts.join('  ');
}
