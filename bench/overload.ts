/**
 * The overload scenario: what load shedding buys at 4× the load that
 * saturates the gateway.
 *
 * A cold gateway (nothing cached) is started with `SHED_MAX_IN_FLIGHT` equal
 * to `--connections`, the concurrency that saturates this machine. On it, one
 * operation (rotating its arguments, as the cold runs do) is driven first at
 * `--connections` (saturation: nothing is shed, the reference) and then at
 * 4 × `--connections` (overload: whatever is past the bound is refused with
 * 503). For comparison, a second cold gateway with the default bounds
 * (SHED_MAX_IN_FLIGHT 400: nothing is shed at 4 × 32) takes the same 4× load,
 * so the table shows what the admitted requests' latency is without the bound.
 *
 * Why cold: a request answered from L1 never yields; it is parsed, run and
 * written within the I/O callback that read it, so a warm gateway never has
 * more than one request in flight, whatever the load. Its overload queues in
 * the sockets, shows as event-loop delay (tens of ms at 4 × 32), and is bounded
 * by SHED_EVENT_LOOP_DELAY_MS. Requests that wait on downstream services are
 * the ones that pile up inside the gateway, and the in-flight bound is for them.
 *
 * Targets:
 * - admitted p99 under overload ≤ 2 × the saturation p99 of the same gateway in the same run. Why 2×:
 *   with the bound at the saturating concurrency, an admitted request queues behind no more requests
 *   than at saturation, so its latency would be the same but for the refusals, which take CPU from the
 *   same two cores (the gateway answers each in a fraction of a request's cost, but the load generator
 *   sends the next one at once); a p99 that grows with the load (about 3× at 4× without the bound)
 *   fails it;
 * - nothing breaks: no status but 2xx and 503, no connection error or timeout, no GraphQL error in a
 *   2xx, some requests shed (else the bound was never reached and the row says nothing), the gateway
 *   process alive and answering /healthz afterwards, and /readyz no longer reporting shedding within 5 s.
 */
import { request } from 'undici';
import { DEFAULT_SHEDDING } from '../src/config';
import { f, mark } from './format';
import type { Rotation } from './load';
import { measureGatewayRun, type RunRecord } from './measure';
import type { GatewayProcess } from './processes';

export const OVERLOAD_FACTOR = 4;
export const P99_FACTOR = 2;
/** Time /readyz has to stop reporting shedding after the overload ends (its grace is 1 s). */
export const RECOVERY_LIMIT_MS = 5000;

export interface OverloadResult {
  operation: string;
  /** SHED_MAX_IN_FLIGHT of the bounded gateway (= --connections). */
  maxInFlight: number;
  saturation: RunRecord;
  overload: RunRecord;
  /** The default-bounds gateway under the same 4× load (nothing shed). */
  unbounded?: RunRecord;
  p99LimitMs: number;
  /** The bounded gateway's process was alive and answered /healthz 200 after the overload run. */
  alive: boolean;
  /** Milliseconds until /readyz reported `shedding.active: false` after the overload run; null = not within the limit. */
  recoveredAfterMs: number | null;
}

/** Saturation then overload on the bounded gateway; `alive` and recovery checked after. */
export async function measureOverload(
  gw: GatewayProcess,
  demoUrl: string,
  operation: string,
  rotation: Rotation,
  connections: number,
  durationS: number,
): Promise<Omit<OverloadResult, 'unbounded'>> {
  const saturation = await measureGatewayRun(gw, demoUrl, operation, 'throughput', rotation, connections, durationS);
  const overload = await measureGatewayRun(gw, demoUrl, operation, 'overload', rotation, connections * OVERLOAD_FACTOR, durationS);
  const alive = !gw.proc.exited() && (await status(`${gw.url}/healthz`)) === 200;
  return {
    operation,
    maxInFlight: connections,
    saturation,
    overload,
    p99LimitMs: P99_FACTOR * saturation.load.admittedLatencyMs.p99,
    alive,
    recoveredAfterMs: alive ? await recovery(gw.url) : null,
  };
}

async function status(url: string): Promise<number | string> {
  try {
    const res = await request(url, { headersTimeout: 2000, bodyTimeout: 2000 });
    await res.body.dump();
    return res.statusCode;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? String(error);
  }
}

async function recovery(url: string): Promise<number | null> {
  const started = performance.now();
  while (performance.now() - started < RECOVERY_LIMIT_MS) {
    const res = await request(`${url}/readyz`);
    const body = (await res.body.json()) as { shedding?: { active: boolean } };
    if (body.shedding?.active === false) return performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return null;
}

/** Responses that are neither 2xx nor 503, and requests with no response at all. */
function breakages(r: RunRecord): { otherNon2xx: number; transport: number } {
  const l = r.load;
  return { otherNon2xx: l.non2xx - (l.statusCodes['503'] ?? 0), transport: l.connectionErrors + l.timeouts };
}

export function overloadTargets(o: OverloadResult): { name: string; pass: boolean; line: string }[] {
  const p99 = o.overload.load.admittedLatencyMs.p99;
  const p99Pass = p99 <= o.p99LimitMs;
  const shed = o.overload.load.statusCodes['503'] ?? 0;
  const runs = [o.saturation, o.overload];
  const otherNon2xx = runs.reduce((s, r) => s + breakages(r).otherNon2xx, 0);
  const transport = runs.reduce((s, r) => s + breakages(r).transport, 0);
  const gql = runs.reduce((s, r) => s + r.load.admittedGraphqlErrors, 0);
  const pass = otherNon2xx === 0 && transport === 0 && gql === 0 && shed > 0 && o.alive && o.recoveredAfterMs !== null;
  return [
    {
      name: `overload p99 ${o.operation}`,
      pass: p99Pass,
      line: `${mark(p99Pass)}  overload p99 ${o.operation}: admitted p99 ${f(p99, 1)} ms ≤ ${f(o.p99LimitMs, 1)} ms (${P99_FACTOR} × saturation p99 ${f(o.saturation.load.admittedLatencyMs.p99, 1)} ms; ${o.overload.connections} connections, SHED_MAX_IN_FLIGHT ${o.maxInFlight})`,
    },
    {
      name: 'overload errors',
      pass,
      line:
        `${mark(pass)}  overload errors: ${otherNon2xx} non-2xx other than 503, ${transport} connection errors/timeouts, ${gql} GraphQL errors in 2xx (target 0, 0, 0); ` +
        `${shed} shed (target > 0); gateway ${o.alive ? 'alive, /healthz 200' : 'DOWN'}; /readyz ${o.recoveredAfterMs === null ? `still shedding after ${RECOVERY_LIMIT_MS} ms` : `recovered after ${f(o.recoveredAfterMs, 0)} ms`}`,
    },
  ];
}

function row(label: string, bound: string, r: RunRecord | undefined): string {
  if (!r) return `| ${label} | ${bound} | – | – | – | – | – | – | – | – |`;
  const l = r.load;
  const { otherNon2xx, transport } = breakages(r);
  const admittedPerS = l.admitted / l.seconds;
  const cpuPerAdmitted = r.gateway && l.admitted ? r.gateway.cpuMs / l.admitted : NaN;
  return `| ${label} | ${bound} | ${r.connections} | ${f(admittedPerS, 0)} | ${f(l.admittedLatencyMs.p50)} | ${f(l.admittedLatencyMs.p99)} | ${l.statusCodes['503'] ?? 0} | ${otherNon2xx} | ${transport} | ${f(cpuPerAdmitted, 3)} |`;
}

export function overloadTable(o: OverloadResult): string {
  return [
    `| ${o.operation}, cold | SHED_MAX_IN_FLIGHT | conn | admitted req/s | admitted p50 ms | admitted p99 ms | 503 | other non-2xx | conn errors | gateway CPU ms/admitted |`,
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    row('saturation', String(o.maxInFlight), o.saturation),
    row(`overload (${OVERLOAD_FACTOR}×)`, String(o.maxInFlight), o.overload),
    row(`${OVERLOAD_FACTOR}×, default bounds`, `${DEFAULT_SHEDDING.maxInFlight} (default)`, o.unbounded),
  ].join('\n');
}
