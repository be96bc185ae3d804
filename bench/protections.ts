/**
 * The protections scenario: what the gateway's protections cost a warm
 * request ("No request can take the gateway down": at most 5 % of warm
 * throughput, on vs off, same run).
 *
 * Two warm gateways (entity cache on, response cache off, as the warm
 * scenario) run side by side against the same demo services: one with every
 * protection off (TRUSTED_DOCUMENTS=off, every bound 0, no budget), one with
 * the production defaults plus a request and a cost budget so large that
 * nothing is refused but every request is charged, so the budget code path
 * (GCRA step, RateLimit headers) is measured too. Both settings are checked
 * before anything is measured: an untrusted document is refused by one and
 * runs on the other, and only one answers with RateLimit headers.
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
 * measures the JIT, not the protections.
 *
 * Why these requests see few of the protections: they are the contract
 * operations sent as full text, so in every mode they are trusted documents,
 * run from the registry's parse and validation, and the operation limits
 * (checked at start-up for trusted documents) are not evaluated for them in
 * either mode; their cost is estimated in both. What differs per request is
 * the rest: budgets, response-size and downstream-key bounds, in-flight count,
 * body deadline timer, the event-loop delay sampler and the connection cap.
 */
import { DEFAULT_HTTP, DEFAULT_LIMITS, DEFAULT_RATE_LIMITS, DEFAULT_RESOURCES, DEFAULT_SHEDDING } from '../src/config';
import type { BenchOptions } from './args';
import { runLoad, type Rotation } from './load';
import { measureGatewayRun, progressLine, type RunRecord } from './measure';
import type { OperationName, OperationSpec } from './operations';
import type { GatewayProcess } from './processes';
import { send, warmUp } from './warmup';

export type Side = 'off' | 'on';

/** The operations of the scenario; a --quick run without --only takes the first two. */
export const PROTECTIONS_OPERATIONS: readonly OperationName[] = ['WebProductPage', 'MobileHome', 'WebCategoryListing'];
const QUICK_OPERATIONS = 2;

/** The target: protections on keep at least this share of the warm throughput with them off. */
export const MIN_RATIO = 0.95;

/**
 * The budgets of the "on" gateway: every request is charged, none is refused. Requests: 10^7 a minute
 * is 6 µs of budget per request (10^9 would be 0.06 µs, which the GCRA's whole microseconds round
 * away, so no request would move its budget); cost: 10^9 a minute is 6 µs per 100 of estimated cost
 * (WebProductPage and MobileHome cost about 100). Thousands of requests a second use a few per cent of either.
 */
export const CHARGED_REQUESTS_PER_MINUTE = 10_000_000;
export const CHARGED_COST_PER_MINUTE = 1_000_000_000;

/**
 * Before an operation's first pair, each gateway takes this many seconds of unmeasured load (some
 * 4,000 requests): WebProductPage's CPU per request on a fresh gateway falls from 1.1 to 0.45 ms over
 * its first 4,000 or so, and 20 or 200 warm-up requests do not get there.
 */
export const PRIME_S = 3;
/** Warm-up requests before each run (8 at a time), after the priming: the entity cache refilled, the stock refreshed. */
const WARM_UP_REQUESTS = 200;

/** Every protection's variable and its value "on" (the production default); "off" is 0 for each. */
const BOUNDS: readonly (readonly [variable: string, on: number])[] = [
  ['MAX_DEPTH', DEFAULT_LIMITS.maxDepth],
  ['MAX_ALIASES', DEFAULT_LIMITS.maxAliases],
  ['MAX_ROOT_FIELDS', DEFAULT_LIMITS.maxRootFields],
  ['MAX_DIRECTIVES', DEFAULT_LIMITS.maxDirectives],
  ['MAX_FRAGMENT_SPREADS', DEFAULT_LIMITS.maxFragmentSpreads],
  ['MAX_TOKENS', DEFAULT_LIMITS.maxTokens],
  ['MAX_COST', DEFAULT_LIMITS.maxCost],
  ['MAX_DOWNSTREAM_KEYS', DEFAULT_RESOURCES.maxDownstreamKeys],
  ['MAX_RESPONSE_BYTES', DEFAULT_RESOURCES.maxResponseBytes],
  ['APQ_REGISTRATIONS_PER_MINUTE', DEFAULT_RATE_LIMITS.apqRegistrationsPerMinute ?? 0],
  ['SHED_MAX_IN_FLIGHT', DEFAULT_SHEDDING.maxInFlight],
  ['SHED_EVENT_LOOP_DELAY_MS', DEFAULT_SHEDDING.maxEventLoopDelayMs],
  ['BODY_TIMEOUT_MS', DEFAULT_HTTP.bodyTimeoutMs],
  ['MAX_CONNECTIONS', DEFAULT_HTTP.maxConnections],
  ['RATE_LIMIT_PER_MINUTE', CHARGED_REQUESTS_PER_MINUTE],
  ['COST_LIMIT_PER_MINUTE', CHARGED_COST_PER_MINUTE],
];

/** The gateway settings of each side (header and request timeouts are node's, at their defaults in both). */
export const PROTECTIONS_ENV: Record<Side, Record<string, string>> = {
  off: { TRUSTED_DOCUMENTS: 'off', ...Object.fromEntries(BOUNDS.map(([variable]) => [variable, '0'])) },
  on: { TRUSTED_DOCUMENTS: 'enforce', ...Object.fromEntries(BOUNDS.map(([variable, on]) => [variable, String(on)])) },
};

/** What one side's gateway showed before the runs: its settings took effect. */
export interface SettingsCheck {
  /** Status of a document outside the manifests (`{ __typename }`): 400 under enforce, 200 with it off. */
  untrustedStatus: number;
  /** The benchmarked request's `RateLimit` header; null when no budget was consulted. */
  rateLimit: string | null;
  /** on: untrusted refused, both budgets charged; off: untrusted runs, no budget. */
  ok: boolean;
}

export interface ProtectionsComparison {
  operation: string;
  /** The sides in the order they ran (each pair flips the order of the one before). */
  order: Side[];
  /** Each side's runs in the order they ran. */
  runs: Record<Side, RunRecord[]>;
  /** Median req/s of each side's runs. */
  reqPerSec: Record<Side, number>;
  /** on ÷ off of the medians: the target's number. */
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

export interface ProtectionsResult {
  env: Record<Side, Record<string, string>>;
  pairs: number;
  connections: number;
  durationS: number;
  primeS: number;
  checks: Record<Side, SettingsCheck>;
  operations: ProtectionsComparison[];
}

export interface ProtectionsPlan {
  operations: OperationSpec[];
  pairs: number;
  connections: number;
  durationS: number;
  /** Seconds of unmeasured load per gateway before an operation's first pair. */
  primeS: number;
}

/** The benchmarked operations the scenario covers: all three named with --only or on a full run, two on --quick. */
export function protectionsPlan(ops: readonly OperationSpec[], options: BenchOptions): ProtectionsPlan {
  const names = options.quick && !options.only ? PROTECTIONS_OPERATIONS.slice(0, QUICK_OPERATIONS) : PROTECTIONS_OPERATIONS;
  return { operations: ops.filter((op) => names.includes(op.name)), pairs: options.pairs, connections: options.connections, durationS: options.durationS, primeS: PRIME_S };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) return NaN;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Checks both gateways' settings, then per operation `pairs` interleaved off/on runs. */
export async function measureProtections(
  gateways: Record<Side, GatewayProcess>,
  demoUrl: string,
  plan: ProtectionsPlan,
  rotationOf: (op: OperationSpec) => Rotation,
  log: (line: string) => void,
): Promise<ProtectionsResult> {
  const first = plan.operations[0] as OperationSpec;
  const checks = { off: await checkSettings('off', gateways.off, first, rotationOf(first)), on: await checkSettings('on', gateways.on, first, rotationOf(first)) };
  for (const side of ['off', 'on'] as const) {
    const c = checks[side];
    log(`  ${side}: untrusted document ${c.untrustedStatus}, RateLimit ${c.rateLimit ?? 'none'}${c.ok ? '' : '  ! NOT AS INTENDED'}`);
  }
  const operations: ProtectionsComparison[] = [];
  for (const op of plan.operations) {
    const rotation = rotationOf(op);
    const runs: Record<Side, RunRecord[]> = { off: [], on: [] };
    const order: Side[] = [];
    for (const side of ['off', 'on'] as const) await runLoad(gateways[side].url, rotation, plan.connections, plan.primeS);
    for (let pair = 0; pair < plan.pairs; pair++) {
      for (const side of pair % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
        const gw = gateways[side];
        const problem = await warmUp(gw.url, rotation, WARM_UP_REQUESTS, 8);
        if (problem) log(`  ! ${op.name} protections ${side} warm-up: ${problem}`);
        const run = await measureGatewayRun(gw, demoUrl, op.name, 'throughput', rotation, plan.connections, plan.durationS);
        log(progressLine(run));
        runs[side].push(run);
        order.push(side);
      }
    }
    operations.push(compare(op.name, order, runs));
  }
  return { env: PROTECTIONS_ENV, pairs: plan.pairs, connections: plan.connections, durationS: plan.durationS, primeS: plan.primeS, checks, operations };
}

function compare(operation: string, order: Side[], runs: Record<Side, RunRecord[]>): ProtectionsComparison {
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

const UNTRUSTED_BODY = JSON.stringify({ query: '{ __typename }' });

async function checkSettings(side: Side, gw: GatewayProcess, op: OperationSpec, rotation: Rotation): Promise<SettingsCheck> {
  const untrusted = await send(gw.url, { path: op.path, body: UNTRUSTED_BODY });
  const answer = await send(gw.url, rotation.next());
  const header = answer.headers.ratelimit;
  const rateLimit = typeof header === 'string' ? header : null;
  const charged = rateLimit !== null && rateLimit.includes('"requests";') && rateLimit.includes('"cost";');
  const ok = side === 'on' ? untrusted.status === 400 && charged : untrusted.status === 200 && rateLimit === null;
  return { untrustedStatus: untrusted.status, rateLimit, ok };
}

const f = (n: number | undefined, digits = 1): string => (n === undefined || !Number.isFinite(n) ? '–' : n.toFixed(digits));
const mark = (pass: boolean) => (pass ? 'PASS' : 'FAIL');
const pct = (ratio: number) => `${f(100 * ratio)} %`;

export function protectionsTargets(p: ProtectionsResult): { name: string; pass: boolean; line: string }[] {
  const settingsOk = p.checks.off.ok && p.checks.on.ok;
  return p.operations.map((c) => {
    const pass = c.ratio >= MIN_RATIO && c.errors === 0 && settingsOk;
    const problems = [c.errors > 0 ? `; ${c.errors} errors in its runs (target 0)` : '', settingsOk ? '' : '; settings not as intended (see the table)'].join('');
    return {
      name: `protections cost ${c.operation}`,
      pass,
      line:
        `${mark(pass)}  protections cost ${c.operation}: on ${f(c.reqPerSec.on, 0)} req/s = ${pct(c.ratio)} of off ${f(c.reqPerSec.off, 0)} req/s (≥ ${f(100 * MIN_RATIO, 0)} %; ` +
        `medians of ${c.runs.on.length} interleaved runs each; best of each ${pct(c.bestRatio)}; CPU ${f(c.cpuMsPerRequest.off, 3)} → ${f(c.cpuMsPerRequest.on, 3)} ms/request)${problems}`,
    };
  });
}

export function protectionsTable(p: ProtectionsResult): string {
  const runs = (rs: RunRecord[]) => rs.map((r) => f(r.load.reqPerSec, 0)).join(', ');
  const check = (c: SettingsCheck) => `untrusted document ${c.untrustedStatus}, RateLimit ${c.rateLimit ? `\`${c.rateLimit}\`` : 'none'}${c.ok ? '' : ' (NOT AS INTENDED)'}`;
  return [
    `| protections, warm, c=${p.connections} | off req/s, each run | on req/s, each run | off req/s (median) | on req/s (median) | on % of off | on % of off, pairs | on % of off, best of each | off CPU ms/req | on CPU ms/req | errors |`,
    '|---|---|---|--:|--:|--:|---|--:|--:|--:|--:|',
    ...p.operations.map(
      (c) =>
        `| ${c.operation} | ${runs(c.runs.off)} | ${runs(c.runs.on)} | ${f(c.reqPerSec.off, 0)} | ${f(c.reqPerSec.on, 0)} | ${pct(c.ratio)} | ${c.pairRatios.map(pct).join(', ')} | ${pct(c.bestRatio)} | ${f(c.cpuMsPerRequest.off, 3)} | ${f(c.cpuMsPerRequest.on, 3)} | ${c.errors} |`,
    ),
    '',
    `Off: \`TRUSTED_DOCUMENTS=off\`, every bound 0, no budget (${check(p.checks.off)}). ` +
      `On: the production defaults, \`RATE_LIMIT_PER_MINUTE=${CHARGED_REQUESTS_PER_MINUTE} COST_LIMIT_PER_MINUTE=${CHARGED_COST_PER_MINUTE}\` (${check(p.checks.on)}). ` +
      `Per operation: ${f(p.primeS, 0)} s of unmeasured load on each gateway, then ${p.pairs} pairs of ${f(p.durationS, 0)} s runs, interleaved off on, on off, …`,
  ].join('\n');
}
