/**
 * The memory soak: mixed load over every benchmarked operation, twice in a
 * row on the same gateway, with the resident set read after each.
 *
 * Why twice: the first soak fills whatever the gateway keeps (entity cache
 * L1, response cache, APQ, connection pools, JIT code); a bounded gateway then
 * stays flat during the second. The first RSS is held against the absolute
 * limit, the growth from the first to the second against the leak limit.
 * The load rotates the cold arguments (every product, category, search word
 * and user in turn), so the caches see many keys instead of six.
 */
import type { Rotation } from './load';
import { measureGatewayRun, progressLine, type RunRecord } from './measure';
import type { GatewayProcess } from './processes';

export const RSS_LIMIT_MB = 250;

/** Growth allowed between the two soaks: 5 % of the first RSS or 8 MB, whichever is larger. */
export function growthLimitMB(firstRssMB: number): number {
  return Math.max(0.05 * firstRssMB, 8);
}

export interface SoakResult {
  scenario: GatewayProcess['scenario'];
  runs: [RunRecord, RunRecord];
  rssAfterFirstMB: number;
  rssAfterSecondMB: number;
  growthMB: number;
  growthLimitMB: number;
}

export async function soak(gateway: GatewayProcess, demoUrl: string, mixed: Rotation, connections: number, soakS: number, log: (line: string) => void): Promise<SoakResult> {
  const first = await measureGatewayRun(gateway, demoUrl, 'mixed', 'soak', mixed, connections, soakS);
  log(progressLine(first));
  const second = await measureGatewayRun(gateway, demoUrl, 'mixed', 'soak', mixed, connections, soakS);
  log(progressLine(second));
  const a = first.gateway?.rssMB ?? NaN;
  const b = second.gateway?.rssMB ?? NaN;
  return { scenario: gateway.scenario, runs: [first, second], rssAfterFirstMB: a, rssAfterSecondMB: b, growthMB: b - a, growthLimitMB: growthLimitMB(a) };
}
