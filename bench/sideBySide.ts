/**
 * Two warm gateways side by side, "off" and "on", against the same demo
 * services: what one setting costs a warm request, measured as the on ÷ off
 * ratio of their throughput in the same run. The protections scenario
 * (protections.ts) and the tracing scenario (tracing.ts) are both this
 * comparison with their own settings, checks and targets.
 *
 * Why interleaved, and medians: on a shared 2-core machine one run's req/s
 * moves by 5–10 % with whatever else runs (another engineer's tests, where
 * the scheduler puts the gateway relative to the load generator, the stock
 * refresh every 5 s), as much as the effect measured. So the runs alternate
 * between the two gateways, each after its own warm-up, and the order flips
 * with every pair (off on, on off, off on, …): a load that comes and goes hits
 * both sides alike, and a steady drift (the gateways still getting faster, a
 * background job ramping up) cancels out over two pairs instead of always
 * favouring the side that runs second. Each side is then its median run: runs
 * scatter on both sides of the typical value, and the median ignores one
 * disturbed run in three either way, where the best run of each (in the
 * table too) is a single sample picked for being extreme.
 *
 * Why a priming load first: a fresh gateway's CPU per warm request halves over
 * its first few thousand requests (V8 optimising the hot path, with its
 * compiler threads counted in the process's CPU), so without it the first pair
 * measures the JIT, not the setting.
 */
import type { BenchOptions } from './args';
import { f, mark, pct } from './format';
import type { Rotation } from './load';
import { measureGatewayRun, progressLine, type RunRecord } from './measure';
import type { OperationName, OperationSpec } from './operations';
import type { GatewayProcess } from './processes';
import { prime, PRIME_S, warmUp } from './warmup';

export type Side = 'off' | 'on';

/** Warm-up requests before each run (8 at a time), after the priming: the entity cache refilled, the stock refreshed. */
const WARM_UP_REQUESTS = 200;
/** A --quick run without --only covers this many of a scenario's operations (the first ones). */
const QUICK_OPERATIONS = 2;

export interface SideBySidePlan {
  operations: OperationSpec[];
  pairs: number;
  connections: number;
  durationS: number;
  /** Seconds of unmeasured load per gateway before an operation's first pair. */
  primeS: number;
}

/** The benchmarked operations among `names`: all of them named with --only or on a full run, the first two on --quick. */
export function sideBySidePlan(ops: readonly OperationSpec[], options: BenchOptions, names: readonly OperationName[]): SideBySidePlan {
  const covered = options.quick && !options.only ? names.slice(0, QUICK_OPERATIONS) : names;
  return { operations: ops.filter((op) => covered.includes(op.name)), pairs: options.pairs, connections: options.connections, durationS: options.durationS, primeS: PRIME_S };
}

export interface Comparison {
  operation: string;
  /** The sides in the order they ran (each pair flips the order of the one before). */
  order: Side[];
  /** Each side's runs in the order they ran. */
  runs: Record<Side, RunRecord[]>;
  /** Median req/s of each side's runs. */
  reqPerSec: Record<Side, number>;
  /** on ÷ off of the medians: the targets' number. */
  ratio: number;
  /** on ÷ off of the best run of each. */
  bestRatio: number;
  /** on ÷ off within each pair. */
  pairRatios: number[];
  /** Median gateway CPU per request of each side. */
  cpuMsPerRequest: Record<Side, number>;
  /** Non-2xx, GraphQL errors, connection errors and timeouts over both sides' runs. */
  errors: number;
}

/** Per operation of the plan: priming on both gateways, then `pairs` interleaved off/on runs, each after its warm-up. */
export async function runSideBySide(
  gateways: Record<Side, GatewayProcess>,
  demoUrl: string,
  plan: SideBySidePlan,
  rotationOf: (op: OperationSpec) => Rotation,
  log: (line: string) => void,
): Promise<Comparison[]> {
  const comparisons: Comparison[] = [];
  for (const op of plan.operations) {
    const rotation = rotationOf(op);
    const runs: Record<Side, RunRecord[]> = { off: [], on: [] };
    const order: Side[] = [];
    for (const side of ['off', 'on'] as const) {
      const problem = await prime(gateways[side].url, rotation, plan.connections, plan.primeS);
      if (problem) log(`  ! ${op.name} ${gateways[side].scenario} priming: ${problem}`);
    }
    for (let pair = 0; pair < plan.pairs; pair++) {
      for (const side of pair % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
        const gw = gateways[side];
        const problem = await warmUp(gw.url, rotation, WARM_UP_REQUESTS, 8);
        if (problem) log(`  ! ${op.name} ${gw.scenario} warm-up: ${problem}`);
        const run = await measureGatewayRun(gw, demoUrl, op.name, 'throughput', rotation, plan.connections, plan.durationS);
        log(progressLine(run));
        runs[side].push(run);
        order.push(side);
      }
    }
    comparisons.push(compare(op.name, order, runs));
  }
  return comparisons;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) return NaN;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function compare(operation: string, order: Side[], runs: Record<Side, RunRecord[]>): Comparison {
  const rates = (side: Side) => runs[side].map((r) => r.load.reqPerSec);
  const reqPerSec = { off: median(rates('off')), on: median(rates('on')) };
  const all = [...runs.off, ...runs.on];
  return {
    operation,
    order,
    runs,
    reqPerSec,
    ratio: reqPerSec.on / reqPerSec.off,
    bestRatio: Math.max(...rates('on')) / Math.max(...rates('off')),
    pairRatios: rates('on').map((on, i) => on / (rates('off')[i] as number)),
    cpuMsPerRequest: { off: median(runs.off.map((r) => r.gateway?.cpuMsPerRequest ?? NaN)), on: median(runs.on.map((r) => r.gateway?.cpuMsPerRequest ?? NaN)) },
    errors: all.reduce((s, r) => s + r.load.non2xx + r.load.graphqlErrors + r.load.connectionErrors + r.load.timeouts, 0),
  };
}

/**
 * The target line of one comparison: `<label> <op>: on X req/s = Y % of off Z req/s (≥ L %; …)`. It
 * passes when the ratio of the medians reaches `minRatio`, no run had an error and `problems` is empty
 * (what the scenario's own checks found wrong; each is appended to the line).
 */
export function costTarget(label: string, c: Comparison, minRatio: number, problems: readonly string[] = [], detail = ''): { name: string; pass: boolean; line: string } {
  const all = [...(c.errors > 0 ? [`${c.errors} errors in its runs (target 0)`] : []), ...problems];
  const pass = c.ratio >= minRatio && all.length === 0;
  return {
    name: `${label} ${c.operation}`,
    pass,
    line:
      `${mark(pass)}  ${label} ${c.operation}: on ${f(c.reqPerSec.on, 0)} req/s = ${pct(c.ratio)} of off ${f(c.reqPerSec.off, 0)} req/s (≥ ${f(100 * minRatio, 0)} %; ` +
      `medians of ${c.runs.on.length} interleaved runs each; best of each ${pct(c.bestRatio)}; CPU ${f(c.cpuMsPerRequest.off, 3)} → ${f(c.cpuMsPerRequest.on, 3)} ms/request${detail})` +
      all.map((p) => `; ${p}`).join(''),
  };
}

/** One row per operation: each run per side, the medians, the ratios, CPU and errors; `title` heads the first column. */
export function comparisonTable(title: string, comparisons: readonly Comparison[]): string {
  const runs = (rs: RunRecord[]) => rs.map((r) => f(r.load.reqPerSec, 0)).join(', ');
  return [
    `| ${title} | off req/s, each run | on req/s, each run | off req/s (median) | on req/s (median) | on % of off | on % of off, pairs | on % of off, best of each | off CPU ms/req | on CPU ms/req | errors |`,
    '|---|---|---|--:|--:|--:|---|--:|--:|--:|--:|',
    ...comparisons.map(
      (c) =>
        `| ${c.operation} | ${runs(c.runs.off)} | ${runs(c.runs.on)} | ${f(c.reqPerSec.off, 0)} | ${f(c.reqPerSec.on, 0)} | ${pct(c.ratio)} | ${c.pairRatios.map(pct).join(', ')} | ${pct(c.bestRatio)} | ${f(c.cpuMsPerRequest.off, 3)} | ${f(c.cpuMsPerRequest.on, 3)} | ${c.errors} |`,
    ),
  ].join('\n');
}
