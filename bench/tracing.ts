/**
 * The tracing scenario: what tracing costs a warm request (issue 9: "tracing
 * off costing nothing measurable, and tracing on at 100% sampling costing at
 * most 10% warm throughput").
 *
 * Tracing on: two warm gateways (entity cache on, response cache off) side by
 * side (sideBySide.ts: priming, interleaved pairs, medians), the same tracing
 * settings but one: "on" has OTEL_EXPORTER_OTLP_ENDPOINT, pointing at a span
 * sink the bench starts (spanSink.ts), "off" has none. Both sample every
 * request (OTEL_TRACES_SAMPLER=parentbased_always_on, the default, set so the
 * JSON records it; the bench sends no traceparent, so every request is a
 * sampled root). The batch processor and exporter run at the SDK's defaults
 * (export every 5 s or every 512 spans, queue of 2048): what production runs.
 *
 * Checked before anything is measured: ten requests of each operation to each
 * gateway, and the sink must receive each "on" request's trace (its spans
 * counted, its root named `query <operation>`) and nothing from "off" (each
 * gateway has its own service name, so the sink can tell; this is counted
 * over the whole scenario). After the runs, the spans that reached the sink
 * from "on" are compared with those it should have sent: per operation, the
 * requests it served (its /metrics) times the spans of one warm request, plus
 * the check's cold first requests. That share has its own target: the SDK's
 * queue drops spans when the export falls behind, and a cost measured with
 * spans dropped is the cost of less than 100 % tracing. Counted over the
 * whole scenario because spans arrive in batches of 512 (and the last ones as
 * "on" stops: SHUTDOWN_DELAY_MS=0 lets it flush them), which a count per run
 * would cut at arbitrary places.
 *
 * Tracing off: tracingProfile.ts, a third gateway, profiled, after the
 * comparison.
 */
import { f, mark, pct } from './format';
import type { Rotation } from './load';
import type { OperationName, OperationSpec } from './operations';
import type { GatewayProcess } from './processes';
import { scrapeMetrics } from './probes';
import { comparisonTable, costTarget, runSideBySide, type Comparison, type Side, type SideBySidePlan } from './sideBySide';
import { startSpanSink, type SpanSink } from './spanSink';
import { profileTracingOff, tracingOffTable, tracingOffTarget, type Launch, type TracingProfile } from './tracingProfile';
import { problemOf, send } from './warmup';

/** The operations of the scenario; a --quick run without --only takes the first two. */
export const TRACING_OPERATIONS: readonly OperationName[] = ['WebProductPage', 'MobileHome', 'WebCategoryListing'];

/** The target: tracing on keeps at least this share of the warm throughput with it off. */
export const MIN_TRACING_RATIO = 0.9;
/** Below this share of one warm request's spans exported per request under load, the SDK dropped spans: the cost is not that of 100 %. */
export const MIN_EXPORTED_SHARE = 0.95;

const SERVICE_NAMES: Record<Side, string> = { off: 'bench-tracing-off', on: 'bench-tracing-on' };
/** The service name of a gateway with the "on" settings. */
export const TRACED_SERVICE = SERVICE_NAMES.on;
const SAMPLER = 'parentbased_always_on';
/** Requests of each operation to each gateway in the check (the first fills the cache, the rest are warm). */
const CHECK_REQUESTS = 10;
/** The check waits this long for the sink to receive its traces: the SDK's export delay (5 s) and a margin. */
const CHECK_WAIT_MS = 10_000;

/** Each side's settings: the same but for the endpoint. */
export function tracingEnv(sinkUrl: string): Record<Side, Record<string, string>> {
  const side = (s: Side) => ({ OTEL_SERVICE_NAME: SERVICE_NAMES[s], OTEL_TRACES_SAMPLER: SAMPLER });
  return { off: side('off'), on: { ...side('on'), OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl } };
}

export interface TracingCheck {
  /** Spans of one warm request's trace, per operation: the most frequent count among its check traces (0: none arrived). */
  spansOfOneRequest: Record<string, number>;
  /** Spans of each check trace from "on" that reached the sink, per operation, in the order received. */
  traces: Record<string, number[]>;
  /** What was wrong with the check requests' answers, if anything. */
  problems: string[];
  ok: boolean;
}

export interface ExportCount {
  /** Requests "on" served over the whole scenario (check, priming, warm-ups, runs), per operation. */
  requestsByOperation: Record<string, number>;
  /** What "on" should have sent: requests × spans of one warm request, plus the check's extra (cold) spans; per operation and in all. */
  expectedByOperation: Record<string, number>;
  expected: number;
  /** Spans that reached the sink from "on", its last ones (flushed as it stopped) included. */
  received: number;
  /** received ÷ expected (background refreshes add a few; dropped spans take away). */
  share: number;
}

export interface TracingResult {
  env: Record<Side, Record<string, string>>;
  pairs: number;
  connections: number;
  durationS: number;
  primeS: number;
  check: TracingCheck;
  operations: Comparison[];
  /** The spans of "on" over the whole scenario. */
  exported: ExportCount;
  /** Spans from "off" over the whole scenario (target 0), and requests the sink refused (not an OTLP trace export). */
  offSpans: number;
  sinkRejected: number;
  sinkExports: number;
  /** The tracing-off gateway's CPU profile. */
  profile: TracingProfile;
}

/**
 * The whole scenario: the sink, the two gateways (started with `launch`), the check and the interleaved
 * runs; then the profiled tracing-off gateway. The sink outlives "on", which exports its last spans as it stops.
 */
export async function measureTracing(
  launch: Launch,
  root: string,
  demoUrl: string,
  plan: SideBySidePlan,
  rotationOf: (op: OperationSpec) => Rotation,
  log: (line: string) => void,
  tmp: string,
): Promise<TracingResult> {
  const sink = await startSpanSink(Object.values(SERVICE_NAMES));
  const env = tracingEnv(sink.url);
  let check: TracingCheck | undefined;
  let operations: Comparison[] = [];
  let requestsByOperation: Record<string, number> = {};
  try {
    await launch('tracing-off', env.off, (off) =>
      launch('tracing-on', env.on, async (on) => {
        const checked = await checkTracing({ off, on }, sink, plan, rotationOf);
        check = checked;
        log(
          `  spans per check trace at the sink: ${Object.entries(checked.traces).map(([op, n]) => `${op} ${n.join(' ')}`).join('; ')}; from "off": ${sink.spansOf(SERVICE_NAMES.off)}${checked.ok ? '' : '  ! NOT AS INTENDED'}`,
        );
        operations = await runSideBySide({ off, on }, demoUrl, plan, rotationOf, log);
        requestsByOperation = (await scrapeMetrics(on.url)).requestsByOperation;
      }),
    );
  } finally {
    await sink.close();
  }
  const exported = exportCount(check as TracingCheck, requestsByOperation, sink.spansOf(SERVICE_NAMES.on));
  log(`  sink: ${sink.exports} exports, ${sink.spans} spans (${sink.spansOf(SERVICE_NAMES.off)} from "off"), ${sink.rejected} refused; from "on" ${pct(exported.share)} of the ${exported.expected} expected`);
  log('  tracing off, profiled (node --cpu-prof, a third gateway; its throughput is compared with nothing):');
  const profile = await profileTracingOff(launch, root, env.off, plan, rotationOf, log, tmp);
  const { pairs, connections, durationS, primeS } = plan;
  const offSpans = sink.spansOf(SERVICE_NAMES.off);
  return { env, pairs, connections, durationS, primeS, check: check as TracingCheck, operations, exported, offSpans, sinkRejected: sink.rejected, sinkExports: sink.exports, profile };
}

/**
 * CHECK_REQUESTS requests of each operation to each gateway, one at a time; then waits for the sink to
 * hold the trace of every "on" request. The spans of one warm request are those of most of its traces: the
 * first request of each operation fills the entity cache and has a span per loader batch and downstream
 * call; the warm ones after it are answered from L1 without a batch (cacheSession.ts `peek`), as under load.
 */
async function checkTracing(gateways: Record<Side, GatewayProcess>, sink: SpanSink, plan: SideBySidePlan, rotationOf: (op: OperationSpec) => Rotation): Promise<TracingCheck> {
  const problems: string[] = [];
  sink.detail = true;
  for (const op of plan.operations) {
    for (const side of ['off', 'on'] as const) {
      const rotation = rotationOf(op);
      for (let i = 0; i < CHECK_REQUESTS; i++) {
        const problem = problemOf(await send(gateways[side].url, rotation.next()));
        if (problem) problems.push(`${op.name} ${side}: ${problem}`);
      }
    }
  }
  const tracesOf = (op: OperationSpec) => [...sink.traces.values()].filter((t) => t.root === `query ${op.name}`).map((t) => t.spans);
  const deadline = Date.now() + CHECK_WAIT_MS;
  while (plan.operations.some((op) => tracesOf(op).length < CHECK_REQUESTS) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  sink.detail = false;
  const spansOfOneRequest = Object.fromEntries(plan.operations.map((op) => [op.name, mode(tracesOf(op))]));
  const complete = plan.operations.every((op) => tracesOf(op).length === CHECK_REQUESTS);
  const ok = problems.length === 0 && complete && Object.values(spansOfOneRequest).every((n) => n > 0) && sink.spansOf(SERVICE_NAMES.off) === 0 && sink.rejected === 0;
  const traces = Object.fromEntries(plan.operations.map((op) => [op.name, tracesOf(op)]));
  return { spansOfOneRequest, traces, problems, ok };
}

/** The most frequent value (the largest of equally frequent ones); 0 for none. */
function mode(values: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = 0;
  let bestCount = 0;
  for (const [v, n] of counts) if (n > bestCount || (n === bestCount && v > best)) [best, bestCount] = [v, n];
  return best;
}

/** The spans "on" should have sent for the requests it served, against those that reached the sink. */
function exportCount(check: TracingCheck, requestsByOperation: Record<string, number>, received: number): ExportCount {
  const expectedByOperation = Object.fromEntries(
    Object.entries(check.spansOfOneRequest).map(([op, warm]) => [op, (requestsByOperation[op] ?? 0) * warm + (check.traces[op] ?? []).reduce((sum, spans) => sum + spans - warm, 0)]),
  );
  const expected = Object.values(expectedByOperation).reduce((sum, n) => sum + n, 0);
  return { requestsByOperation, expectedByOperation, expected, received, share: received / expected };
}

/**
 * Per operation, the cost (on ≥ 90 % of off, no error, settings as intended); then the export (the
 * spans that reached the sink ≥ 95 % of those expected: else the SDK dropped spans, and the cost
 * measured is that of tracing less than every request); then tracing off, from the profile.
 */
export function tracingTargets(t: TracingResult): { name: string; pass: boolean; line: string }[] {
  const settings = [...(t.check.ok ? [] : ['settings check failed (see the table)']), ...(t.offSpans > 0 ? [`${t.offSpans} spans from "off" (target 0)`] : [])];
  const costs = t.operations.map((c) => costTarget('tracing cost', c, MIN_TRACING_RATIO, settings, `; ${t.check.spansOfOneRequest[c.operation] ?? 0} spans per warm request`));
  const e = t.exported;
  const pass = e.share >= MIN_EXPORTED_SHARE;
  const served = Object.values(e.requestsByOperation).reduce((sum, n) => sum + n, 0);
  const exportLine =
    `${mark(pass)}  tracing export: ${e.received} spans reached the sink from "on" = ${pct(e.share)} of the ${e.expected} expected (≥ ${f(100 * MIN_EXPORTED_SHARE, 0)} %; ` +
    `${served} requests served × the spans of one warm request of their operation, plus the check's first requests; the SDK drops what its queue cannot hold)`;
  return [...costs, { name: 'tracing export', pass, line: exportLine }, tracingOffTarget(t.profile, t.operations.map((c) => c.operation))];
}

export function tracingTable(t: TracingResult): string {
  const sampler = t.env.on.OTEL_TRACES_SAMPLER;
  return [
    comparisonTable(`tracing, warm, c=${t.connections}`, t.operations),
    '',
    '| tracing on: spans | spans per check trace | spans of one warm request | requests served by "on" | spans expected |',
    '|---|---|--:|--:|--:|',
    ...t.operations.map(
      (c) =>
        `| ${c.operation} | ${(t.check.traces[c.operation] ?? []).join(', ')} | ${t.check.spansOfOneRequest[c.operation] ?? 0} | ${t.exported.requestsByOperation[c.operation] ?? 0} | ${t.exported.expectedByOperation[c.operation] ?? 0} |`,
    ),
    '',
    `Spans from "on" that reached the sink: ${t.exported.received} of ${t.exported.expected} expected = ${pct(t.exported.share)}. ` +
      `Off: no OTLP endpoint (\`OTEL_SERVICE_NAME=${t.env.off.OTEL_SERVICE_NAME} OTEL_TRACES_SAMPLER=${t.env.off.OTEL_TRACES_SAMPLER}\`); spans from it at the sink: ${t.offSpans}. ` +
      `On: \`OTEL_EXPORTER_OTLP_ENDPOINT\` = the bench's span sink (OTLP/HTTP on 127.0.0.1), \`OTEL_TRACES_SAMPLER=${sampler}\` (every request sampled), the SDK's batch defaults ` +
      `(${t.sinkExports} exports received, ${t.sinkRejected} refused). Check: ${t.check.ok ? 'as intended' : `NOT AS INTENDED${t.check.problems.length ? ` (${t.check.problems.join('; ')})` : ''}`}. ` +
      `Per operation: ${t.primeS} s of unmeasured load on each gateway, then ${t.pairs} pairs of ${t.durationS} s runs, interleaved off on, on off, …`,
    '',
    tracingOffTable(t.profile),
  ].join('\n');
}
