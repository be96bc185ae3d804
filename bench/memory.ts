/**
 * The memory soak: mixed load over every benchmarked operation, twice in a
 * row on the same gateway, with the resident set read after each.
 *
 * Why a fill pass first: whatever the gateway keeps (entity cache L1,
 * response cache, APQ, connection pools, JIT code) grows until it reaches its
 * bound, and how far one timed soak gets depends on how fast the machine is.
 * So before the measured soaks, every request of the mixed rotation is sent
 * once (unmeasured, at the soak's concurrency): the caches have then seen
 * every key they ever will and sit at their bounds. Then two soaks: the RSS
 * after the first is held against the absolute limit, the growth from the
 * first to the second against the leak limit, and what grows then is not
 * filling but a leak. The load rotates the cold arguments (every product,
 * category, search word and user in turn), so the caches see many keys
 * instead of six.
 */
import type { Rotation } from './load';
import { measureGatewayRun, progressLine, type RunRecord } from './measure';
import { procMemory } from './probes';
import type { GatewayProcess } from './processes';
import { warmUp } from './warmup';

export const RSS_LIMIT_MB = 250;

/** Growth allowed between the two soaks: 5 % of the first RSS or 8 MB, whichever is larger. */
export function growthLimitMB(firstRssMB: number): number {
  return Math.max(0.05 * firstRssMB, 8);
}

export interface SoakResult {
  scenario: GatewayProcess['scenario'];
  /** Requests of the unmeasured fill pass (every request of the mixed rotation once), and RSS after it. */
  fill: { requests: number; seconds: number; rssMB: number };
  runs: [RunRecord, RunRecord];
  rssAfterFirstMB: number;
  rssAfterSecondMB: number;
  growthMB: number;
  growthLimitMB: number;
}

/** `fillRequests`: how many requests send every request of `mixed` once (rotation.ts fullPass). */
export async function soak(gateway: GatewayProcess, demoUrl: string, mixed: Rotation, fillRequests: number, connections: number, soakS: number, log: (line: string) => void): Promise<SoakResult> {
  const t0 = performance.now();
  const problem = await warmUp(gateway.url, mixed, fillRequests, connections);
  const fill = { requests: fillRequests, seconds: (performance.now() - t0) / 1000, rssMB: procMemory(gateway.proc.pid).rssMB };
  log(`  fill pass: ${fill.requests} requests (every one of the mixed rotation once) in ${fill.seconds.toFixed(1)} s; RSS ${fill.rssMB.toFixed(1)} MB${problem ? `; first problem: ${problem}` : ''}`);
  const first = await measureGatewayRun(gateway, demoUrl, 'mixed', 'soak', mixed, connections, soakS);
  log(progressLine(first));
  const second = await measureGatewayRun(gateway, demoUrl, 'mixed', 'soak', mixed, connections, soakS);
  log(progressLine(second));
  const a = first.gateway?.rssMB ?? NaN;
  const b = second.gateway?.rssMB ?? NaN;
  return { scenario: gateway.scenario, fill, runs: [first, second], rssAfterFirstMB: a, rssAfterSecondMB: b, growthMB: b - a, growthLimitMB: growthLimitMB(a) };
}
