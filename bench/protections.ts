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
 * The comparison itself (priming, interleaved pairs with the order flipped,
 * medians, why) is sideBySide.ts's, shared with the tracing scenario.
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
import type { Rotation } from './load';
import type { OperationName, OperationSpec } from './operations';
import type { GatewayProcess } from './processes';
import { comparisonTable, costTarget, runSideBySide, type Comparison, type Side, type SideBySidePlan } from './sideBySide';
import { send } from './warmup';

/** The operations of the scenario; a --quick run without --only takes the first two. */
export const PROTECTIONS_OPERATIONS: readonly OperationName[] = ['WebProductPage', 'MobileHome', 'WebCategoryListing'];

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

export interface ProtectionsResult {
  env: Record<Side, Record<string, string>>;
  pairs: number;
  connections: number;
  durationS: number;
  primeS: number;
  checks: Record<Side, SettingsCheck>;
  operations: Comparison[];
}

/** Checks both gateways' settings, then per operation `pairs` interleaved off/on runs. */
export async function measureProtections(
  gateways: Record<Side, GatewayProcess>,
  demoUrl: string,
  plan: SideBySidePlan,
  rotationOf: (op: OperationSpec) => Rotation,
  log: (line: string) => void,
): Promise<ProtectionsResult> {
  const first = plan.operations[0] as OperationSpec;
  const checks = { off: await checkSettings('off', gateways.off, first, rotationOf(first)), on: await checkSettings('on', gateways.on, first, rotationOf(first)) };
  for (const side of ['off', 'on'] as const) {
    const c = checks[side];
    log(`  ${side}: untrusted document ${c.untrustedStatus}, RateLimit ${c.rateLimit ?? 'none'}${c.ok ? '' : '  ! NOT AS INTENDED'}`);
  }
  const operations = await runSideBySide(gateways, demoUrl, plan, rotationOf, log);
  return { env: PROTECTIONS_ENV, pairs: plan.pairs, connections: plan.connections, durationS: plan.durationS, primeS: plan.primeS, checks, operations };
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

export function protectionsTargets(p: ProtectionsResult): { name: string; pass: boolean; line: string }[] {
  const settingsOk = p.checks.off.ok && p.checks.on.ok;
  return p.operations.map((c) => costTarget('protections cost', c, MIN_RATIO, settingsOk ? [] : ['settings not as intended (see the table)']));
}

export function protectionsTable(p: ProtectionsResult): string {
  const check = (c: SettingsCheck) => `untrusted document ${c.untrustedStatus}, RateLimit ${c.rateLimit ? `\`${c.rateLimit}\`` : 'none'}${c.ok ? '' : ' (NOT AS INTENDED)'}`;
  return [
    comparisonTable(`protections, warm, c=${p.connections}`, p.operations),
    '',
    `Off: \`TRUSTED_DOCUMENTS=off\`, every bound 0, no budget (${check(p.checks.off)}). ` +
      `On: the production defaults, \`RATE_LIMIT_PER_MINUTE=${CHARGED_REQUESTS_PER_MINUTE} COST_LIMIT_PER_MINUTE=${CHARGED_COST_PER_MINUTE}\` (${check(p.checks.on)}). ` +
      `Per operation: ${p.primeS} s of unmeasured load on each gateway, then ${p.pairs} pairs of ${p.durationS} s runs, interleaved off on, on off, …`,
  ].join('\n');
}
