/**
 * The cold runs' reference: a plain client that makes the same downstream
 * calls as one gateway request, level by level, and nothing else.
 *
 * Why: part of a cold request's time above the critical-path floor
 * (levels × latency) belongs to the services and the loopback network, not
 * to the gateway: connection handling, the services' own work, reading and
 * parsing their JSON. A plain client that sends the exact calls the gateway
 * sent (same services, same paths and queries, same `x-user-id`), each level
 * at once and the next when all of it has answered, measures that part in the
 * same run; the gateway's overhead is its p50 minus the plain client's.
 *
 * The calls come from the demo services' own request log: `recordPlans`
 * sends a few cold requests through the gateway one at a time and reads what
 * each made. That log also gives the exact downstream calls per request (the
 * "cold calls" target): a sequential request finishes before the next starts,
 * so none is cut off by the end of a run, as the last requests of a timed
 * run are (the gateway cancels the calls of a client that went away).
 *
 * Levels are told apart by arrival time: a call that arrives more than half
 * a service latency after its level's first call waited for an answer, so it
 * starts the next level. Below 5 ms of latency arrival cannot tell them
 * apart, so plans are recorded only at the main `--latency` (20 ms by default)
 * and replayed unchanged against the 0 ms services (same seed, same data).
 */
import { Agent, request } from 'undici';
import type { LatencySummary, Rotation } from './load';
import { summarize } from './load';
import type { ServiceUrls } from './processes';
import { problemOf, send } from './warmup';

/** One recorded downstream call. */
export interface PlannedCall {
  service: keyof ServiceUrls;
  method: string;
  /** Path and query string, as the service received them. */
  target: string;
  userId?: string;
}

/** The calls one gateway request made, by dependency level. */
export type CallPlan = PlannedCall[][];

export interface RecordedPlans {
  plans: CallPlan[];
  /** Sequential gateway requests recorded. */
  requests: number;
  /** Downstream calls they made in all (the demo services' log). */
  calls: number;
  /** Calls per request, one entry per request: each must be the operation's minimum. */
  callsPerRequest: number[];
  /** Levels per request. */
  levelsPerRequest: number[];
  /** The first problem answer (non-2xx or GraphQL errors), or null. */
  problem: string | null;
}

interface LoggedCall {
  service: keyof ServiceUrls;
  method: string;
  target: string;
  userId?: string;
  at: number;
}

/** Below this latency levels cannot be told apart by arrival time. */
export const MIN_PLAN_LATENCY_MS = 5;

async function demoLog(demoUrl: string): Promise<LoggedCall[]> {
  const res = await request(`${demoUrl}/__demo/requests?scope=all`);
  const body = (await res.body.json()) as { items: LoggedCall[] };
  return body.items;
}

async function clearDemoLog(demoUrl: string): Promise<void> {
  const res = await request(`${demoUrl}/__demo/requests?scope=all`, { method: 'DELETE' });
  await res.body.dump();
}

/** Groups calls into levels by arrival: a new level when a call arrives more than half a latency after its level's first. */
export function levelsOf(calls: readonly LoggedCall[], latencyMs: number): CallPlan {
  const sorted = [...calls].sort((a, b) => a.at - b.at);
  const levels: CallPlan = [];
  let levelStart = -Infinity;
  for (const c of sorted) {
    if (c.at - levelStart > latencyMs / 2) {
      levels.push([]);
      levelStart = c.at;
    }
    const call: PlannedCall = { service: c.service, method: c.method, target: c.target };
    if (c.userId !== undefined) call.userId = c.userId;
    (levels[levels.length - 1] as PlannedCall[]).push(call);
  }
  return levels;
}

/** Sends `count` cold requests through the gateway one at a time and records the downstream calls of each. */
export async function recordPlans(gatewayUrl: string, demoUrl: string, rotation: Rotation, count: number, latencyMs: number): Promise<RecordedPlans> {
  const out: RecordedPlans = { plans: [], requests: 0, calls: 0, callsPerRequest: [], levelsPerRequest: [], problem: null };
  for (let i = 0; i < count; i++) {
    await clearDemoLog(demoUrl);
    const answer = await send(gatewayUrl, rotation.next());
    out.problem ??= problemOf(answer);
    const calls = await demoLog(demoUrl);
    const plan = levelsOf(calls, latencyMs);
    out.plans.push(plan);
    out.requests++;
    out.calls += calls.length;
    out.callsPerRequest.push(calls.length);
    out.levelsPerRequest.push(plan.length);
  }
  await clearDemoLog(demoUrl);
  return out;
}

export interface PlainRun {
  /** Plain-client requests (one plan each) completed. */
  requests: number;
  seconds: number;
  latencyMs: LatencySummary;
  /** Calls that did not answer 200 with JSON. */
  failures: number;
}

/**
 * Replays the plans one after another for `durationS` (one connection's worth
 * of sequential requests, like the gateway's latency run): each level's calls
 * at once, every body read and parsed, then the next level.
 */
export async function runPlainLatency(urls: ServiceUrls, plans: readonly CallPlan[], durationS: number): Promise<PlainRun> {
  if (plans.length === 0) throw new Error('runPlainLatency: no recorded plans');
  const agent = new Agent({ keepAliveTimeout: 30_000 });
  const times: number[] = [];
  let failures = 0;
  const call = async (c: PlannedCall): Promise<void> => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (c.userId !== undefined) headers['x-user-id'] = c.userId;
    const res = await request(`${urls[c.service]}${c.target}`, { method: c.method as 'GET', headers, dispatcher: agent });
    const text = await res.body.text();
    try {
      JSON.parse(text);
    } catch {
      failures++;
    }
    if (res.statusCode !== 200) failures++;
  };
  let started = performance.now();
  try {
    // A few unmeasured rounds first: connections opened, code warm (as the gateway's warm-up does).
    for (let i = 0; i < 20; i++) for (const level of plans[i % plans.length] as CallPlan) await Promise.all(level.map(call));
    failures = 0;
    started = performance.now();
    const deadline = started + durationS * 1000;
    for (let i = 0; performance.now() < deadline; i++) {
      const t0 = performance.now();
      for (const level of plans[i % plans.length] as CallPlan) await Promise.all(level.map(call));
      times.push(performance.now() - t0);
    }
  } finally {
    await agent.close();
  }
  return { requests: times.length, seconds: (performance.now() - started) / 1000, latencyMs: summarize(Float64Array.from(times)), failures };
}
