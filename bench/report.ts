/**
 * Turning the runs into the outputs: the raw JSON, the markdown tables
 * (printed, written to latest.md and, on full runs, into bench/README.md
 * between the results markers) and the PASS/FAIL target lines.
 *
 * Why the targets live here: they are a reading of the numbers, not part of
 * measuring them; a failed target is a result, never a harness failure.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchOptions } from './args';
import type { MachineInfo } from './machine';
import { describeMachine } from './machine';
import { f, mark } from './format';
import type { RunRecord } from './measure';
import { RSS_LIMIT_MB, type SoakResult } from './memory';
import type { OperationSpec } from './operations';
import type { PlainRun, RecordedPlans } from './plainClient';
import { overloadTable, overloadTargets, type OverloadResult } from './overload';
import { protectionsTable, protectionsTargets, type ProtectionsResult } from './protections';
import { tracingTable, tracingTargets, type TracingResult } from './tracing';

export interface OperationResult {
  name: string;
  path: string;
  levels: number;
  criticalPath: string;
  minColdCalls: number;
  /** latency × levels: the critical-path floor. */
  boundMs: number;
  /** The cold p50 target: floor + 5 ms. */
  p50LimitMs: number;
  warmCpuTarget: boolean;
  cachedShareTarget: boolean;
  coldZeroTarget: boolean;
  /** The sequential cold requests whose downstream calls were recorded (plainClient.ts): the exact cold-calls count. */
  recorded?: Omit<RecordedPlans, 'plans'>;
  /** The plain client replaying those calls: against the services at --latency, and at 0 ms. */
  plain?: { latency?: PlainRun; zero?: PlainRun };
  /** Bytes of the warm gateway's answer to the example variables (what the bare server answers). */
  responseBodyBytes?: number;
  runs: {
    coldLatency?: RunRecord;
    coldThroughput?: RunRecord;
    /** The latency run (1 connection) against a second set of demo services at 0 ms. */
    coldZeroLatency?: RunRecord;
    warm?: RunRecord;
    cached?: RunRecord;
    bare?: RunRecord;
  };
}

export interface Target {
  name: string;
  pass: boolean;
  line: string;
}

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  wallSeconds: number;
  options: BenchOptions;
  machine: MachineInfo;
  redis: string | null;
  cachePrefix: string | null;
  coldInputs: { products: number; categories: number; searchWords: number; users: number; excluded: unknown };
  operations: OperationResult[];
  soaks: SoakResult[];
  /** The overload scenario (overload.ts); its 503s are its own, not counted by the errors target. */
  overload: OverloadResult | null;
  /** The protections scenario (protections.ts); null when none of its operations was benchmarked. */
  protections: ProtectionsResult | null;
  /** The tracing scenario (tracing.ts); null when none of its operations was benchmarked. */
  tracing: TracingResult | null;
  targets: Target[];
}

/** Gateway CPU per warm request (entity cache, no response cache). */
export const WARM_CPU_LIMIT_MS = 0.35;
/** The response-cached req/s as a share of the bare node:http server's answering the same bytes. */
export const CACHED_SHARE_OF_BARE = 0.5;
/** Sequential p50 of a cold request with the services at 0 ms. */
export const COLD_ZERO_P50_LIMIT_MS = 3;
/** Cold sequential p50 allowed above the critical-path floor (levels × latency). */
export const COLD_P50_ABOVE_FLOOR_MS = 5;

export function operationResult(op: OperationSpec, latencyMs: number): OperationResult {
  const boundMs = op.levels * latencyMs;
  return {
    name: op.name,
    path: op.path,
    levels: op.levels,
    criticalPath: op.criticalPath,
    minColdCalls: op.minColdCalls,
    boundMs,
    p50LimitMs: boundMs + COLD_P50_ABOVE_FLOOR_MS,
    warmCpuTarget: op.warmCpuTarget,
    cachedShareTarget: op.cachedShareTarget,
    coldZeroTarget: op.coldZeroTarget,
    runs: {},
  };
}

/** `plain client p50 X ms, gateway overhead Y ms`, or why there is no plain reference. */
function overOf(gatewayP50: number, plain: PlainRun | undefined): string {
  if (!plain) return 'no plain-client reference';
  return `plain client p50 ${f(plain.latencyMs.p50, 2)} ms over the same calls, gateway overhead ${f(gatewayP50 - plain.latencyMs.p50, 2)} ms`;
}

function allRuns(results: Pick<BenchResults, 'operations' | 'soaks' | 'protections' | 'tracing'>): RunRecord[] {
  const runs: RunRecord[] = [];
  for (const op of results.operations) for (const run of Object.values(op.runs)) if (run) runs.push(run);
  for (const s of results.soaks) runs.push(...s.runs);
  for (const c of results.protections?.operations ?? []) runs.push(...c.runs.off, ...c.runs.on);
  for (const c of results.tracing?.operations ?? []) runs.push(...c.runs.off, ...c.runs.on);
  runs.push(...(results.tracing?.profile.runs ?? []));
  return runs;
}

export function evaluateTargets(results: Pick<BenchResults, 'operations' | 'soaks' | 'overload' | 'protections' | 'tracing'>): Target[] {
  const targets: Target[] = [];
  for (const op of results.operations) {
    const latency = op.runs.coldLatency;
    if (latency) {
      const p50 = latency.load.latencyMs.p50;
      const pass = p50 <= op.p50LimitMs;
      targets.push({
        name: `cold p50 ${op.name}`,
        pass,
        line: `${mark(pass)}  cold p50 ${op.name}: ${f(p50, 2)} ms ≤ ${f(op.p50LimitMs, 2)} ms (floor ${op.levels} × ${f(op.boundMs / op.levels, 0)} ms + ${COLD_P50_ABOVE_FLOOR_MS}; connections 1; ${overOf(p50, op.plain?.latency)})`,
      });
    }
  }
  for (const op of results.operations) {
    const zero = op.runs.coldZeroLatency;
    if (zero && op.coldZeroTarget) {
      const p50 = zero.load.latencyMs.p50;
      const pass = p50 <= COLD_ZERO_P50_LIMIT_MS;
      targets.push({ name: `cold 0 ms p50 ${op.name}`, pass, line: `${mark(pass)}  cold p50 at 0 ms ${op.name}: ${f(p50, 2)} ms ≤ ${f(COLD_ZERO_P50_LIMIT_MS, 2)} ms (services at 0 ms latency, connections 1; ${overOf(p50, op.plain?.zero)})` });
    }
  }
  for (const op of results.operations) {
    const r = op.recorded;
    if (r) {
      const off = r.callsPerRequest.filter((n) => n !== op.minColdCalls).length;
      const pass = r.requests > 0 && off === 0 && r.calls === op.minColdCalls * r.requests && r.problem === null;
      targets.push({
        name: `cold calls ${op.name}`,
        pass,
        line: `${mark(pass)}  cold calls ${op.name}: ${f(r.calls / r.requests, 3)}/request = minimum ${op.minColdCalls} (${r.calls} calls by ${r.requests} sequential cold requests, ${off} with another count; levels ${[...new Set(r.levelsPerRequest)].join('/')})${r.problem ? `; problem: ${r.problem}` : ''}`,
      });
    }
  }
  for (const op of results.operations) {
    const g = op.runs.warm?.gateway;
    if (g) {
      // Requests must make no call; the cache's own background refreshes (stock is fresh for 5 s) are shown, not counted.
      const pass = g.requests > 0 && g.requestPathCalls === 0;
      const background = g.downstreamCalls - g.requestPathCalls;
      targets.push({
        name: `warm calls ${op.name}`,
        pass,
        line: `${mark(pass)}  warm calls ${op.name}: ${f(g.requestPathCalls / g.requests, 4)}/request = 0 (${g.requestPathCalls} calls by ${g.requests} requests; ${background} background refreshes)`,
      });
    }
  }
  for (const op of results.operations) {
    const g = op.runs.warm?.gateway;
    if (g && op.warmCpuTarget) {
      const pass = g.cpuMsPerRequest <= WARM_CPU_LIMIT_MS;
      targets.push({ name: `warm CPU ${op.name}`, pass, line: `${mark(pass)}  warm CPU ${op.name}: ${f(g.cpuMsPerRequest, 3)} ms/request ≤ ${WARM_CPU_LIMIT_MS} ms` });
    }
  }
  for (const op of results.operations) {
    const cached = op.runs.cached;
    const bare = op.runs.bare;
    if (cached && bare && op.cachedShareTarget) {
      const share = cached.load.reqPerSec / bare.load.reqPerSec;
      const dirty = cached.load.non2xx + cached.load.graphqlErrors + cached.load.connectionErrors + cached.load.timeouts;
      const pass = share >= CACHED_SHARE_OF_BARE && dirty === 0;
      targets.push({
        name: `cached vs bare ${op.name}`,
        pass,
        line: `${mark(pass)}  cached ${op.name}: ${f(cached.load.reqPerSec, 0)} req/s = ${f(100 * share)} % of bare node:http ${f(bare.load.reqPerSec, 0)} req/s (≥ ${f(100 * CACHED_SHARE_OF_BARE, 0)} %; same bytes, ${cached.connections} connections; ${cached.load.non2xx} non-2xx, ${cached.load.graphqlErrors} GraphQL errors)`,
      });
    }
  }
  for (const s of results.soaks) {
    const pass = s.rssAfterFirstMB <= RSS_LIMIT_MB;
    targets.push({ name: `memory ${s.scenario}`, pass, line: `${mark(pass)}  memory (${s.scenario} gateway): RSS ${f(s.rssAfterFirstMB)} MB ≤ ${RSS_LIMIT_MB} MB after soak` });
  }
  for (const s of results.soaks) {
    const pass = s.growthMB <= s.growthLimitMB;
    targets.push({
      name: `memory growth ${s.scenario}`,
      pass,
      line: `${mark(pass)}  memory growth (${s.scenario} gateway): ${f(s.growthMB)} MB between soak runs ≤ ${f(s.growthLimitMB)} MB (5 % or 8 MB, whichever is larger; ${f(s.rssAfterFirstMB)} → ${f(s.rssAfterSecondMB)} MB)`,
    });
  }
  if (results.overload) targets.push(...overloadTargets(results.overload));
  if (results.protections) targets.push(...protectionsTargets(results.protections));
  if (results.tracing) targets.push(...tracingTargets(results.tracing));
  const runs = allRuns(results);
  const sum = (pick: (r: RunRecord) => number) => runs.reduce((s, r) => s + pick(r), 0);
  const non2xx = sum((r) => r.load.non2xx);
  const gql = sum((r) => r.load.graphqlErrors);
  const transport = sum((r) => r.load.connectionErrors + r.load.timeouts);
  const responses = sum((r) => r.load.responses);
  const bad = runs.filter((r) => r.load.non2xx + r.load.graphqlErrors + r.load.connectionErrors + r.load.timeouts > 0);
  const pass = non2xx === 0 && gql === 0 && transport === 0 && runs.length > 0;
  const where = bad.length ? `; in ${bad.map((r) => `${r.operation} ${r.scenario} ${r.kind}`).join(', ')}` : '';
  targets.push({
    name: 'errors',
    pass,
    line: `${mark(pass)}  errors: ${non2xx} non-2xx and ${gql} GraphQL errors in every scenario (target 0 and 0; ${transport} connection errors/timeouts; ${responses} responses in ${runs.length} runs${where})`,
  });
  return targets;
}

function runRow(op: string, label: string, r: RunRecord | undefined): string {
  if (!r) return `| ${op} | ${label} | – | – | – | – | – | – | – | – | – | – | – | – |`;
  const l = r.load;
  const g = r.gateway;
  return `| ${op} | ${label} | ${r.connections} | ${f(l.reqPerSec, 0)} | ${f(l.latencyMs.p50)} | ${f(l.latencyMs.p95)} | ${f(l.latencyMs.p99)} | ${l.non2xx} | ${l.graphqlErrors} | ${f(l.meanResponseBytes, 0)} | ${g ? f(g.callsPerRequest, 2) : '–'} | ${g ? f(g.redisRoundtripsPerRequest, 2) : '–'} | ${g ? f(g.cpuMsPerRequest, 3) : '–'} | ${g ? f(g.peakRssMB, 0) : '–'} |`;
}

/** The tables alone (what the console shows before the target lines). */
export function tables(results: BenchResults): string {
  const o = results.options;
  const lines: string[] = [];
  lines.push(`Measured ${results.finishedAt.slice(0, 16).replace('T', ' ')} UTC in ${f(results.wallSeconds / 60)} min.`);
  lines.push('');
  lines.push(`- Machine: ${describeMachine(results.machine)}`);
  lines.push(
    `- Flags: \`--latency ${o.latencyMs} --connections ${o.connections} --duration ${o.durationS} --soak ${o.soakS} --pairs ${o.pairs}${o.only ? ` --only ${o.only.join(',')}` : ''}${o.quick ? ' --quick' : ''}\`; Redis: ${results.redis ? `${results.redis} (prefix \`${results.cachePrefix}\`)` : 'none (REDIS_URL unset: L1 only)'}`,
  );
  lines.push('');
  lines.push('| operation | scenario | conn | req/s | p50 ms | p95 ms | p99 ms | non-2xx | GraphQL errors | bytes/resp | calls/req | Redis rt/req | CPU ms/req | peak RSS MB |');
  lines.push('|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const op of results.operations) {
    lines.push(runRow(op.name, 'cold', op.runs.coldLatency));
    lines.push(runRow(op.name, 'cold', op.runs.coldThroughput));
    lines.push(runRow(op.name, 'cold, services at 0 ms', op.runs.coldZeroLatency));
    lines.push(runRow(op.name, 'warm', op.runs.warm));
    lines.push(runRow(op.name, 'cached', op.runs.cached));
    lines.push(runRow(op.name, 'bare node:http', op.runs.bare));
  }
  lines.push('');
  lines.push('| operation | levels | floor ms | cold p50 (c=1) ms | plain client p50 ms | gateway overhead ms | limit ms | cold p50 at 0 ms | plain at 0 ms | min calls | calls/req (sequential) | calls/req (c=N, last cut off) | bare req/s | warm % of bare | cached % of bare |');
  lines.push('|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const op of results.operations) {
    const bare = op.runs.bare?.load.reqPerSec;
    const pct = (r: RunRecord | undefined) => (bare && r ? `${f((100 * r.load.reqPerSec) / bare, 0)} %` : '–');
    const through = op.runs.coldThroughput?.gateway;
    const cold = op.runs.coldLatency?.load.latencyMs.p50;
    const plain = op.plain?.latency?.latencyMs.p50;
    const r = op.recorded;
    lines.push(
      `| ${op.name} | ${op.levels} | ${f(op.boundMs, 0)} | ${f(cold, 2)} | ${f(plain, 2)} | ${cold !== undefined && plain !== undefined ? f(cold - plain, 2) : '–'} | ${f(op.p50LimitMs)} | ${f(op.runs.coldZeroLatency?.load.latencyMs.p50, 2)} | ${f(op.plain?.zero?.latencyMs.p50, 2)} | ${op.minColdCalls} | ${r ? f(r.calls / r.requests, 3) : '–'} | ${through ? f(through.callsPerRequest, 3) : '–'} | ${f(bare, 0)} | ${pct(op.runs.warm)} | ${pct(op.runs.cached)} |`,
    );
  }
  if (results.soaks.length > 0) {
    lines.push('');
    lines.push('| memory soak | run | seconds | req/s | p99 ms | errors | calls/req | CPU ms/req | RSS after MB | peak RSS MB |');
    lines.push('|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
    for (const s of results.soaks) {
      lines.push(`| ${s.scenario} gateway, fill pass (unmeasured) | 0 | ${f(s.fill.seconds, 0)} | ${f(s.fill.requests / s.fill.seconds, 0)} | – | – | – | – | ${f(s.fill.rssMB)} | – |`);
      s.runs.forEach((r, i) => {
        const l = r.load;
        const g = r.gateway;
        lines.push(
          `| ${s.scenario} gateway, mixed | ${i + 1} | ${f(l.seconds, 0)} | ${f(l.reqPerSec, 0)} | ${f(l.latencyMs.p99)} | ${l.non2xx + l.graphqlErrors + l.connectionErrors + l.timeouts} | ${f(g?.callsPerRequest, 2)} | ${f(g?.cpuMsPerRequest, 3)} | ${f(g?.rssMB)} | ${f(g?.peakRssMB)} |`,
        );
      });
    }
  }
  if (results.overload) lines.push('', overloadTable(results.overload));
  if (results.protections) lines.push('', protectionsTable(results.protections));
  if (results.tracing) lines.push('', tracingTable(results.tracing));
  return `${lines.join('\n')}\n`;
}

/** Tables and target lines: latest.md and the README section. */
export function markdown(results: BenchResults): string {
  return `${tables(results)}\n\`\`\`\n${results.targets.map((t) => t.line).join('\n')}\n\`\`\`\n`;
}

export function timestampName(iso: string): string {
  return iso.replace(/[:.]/g, '-');
}

/** Writes `<timestamp>.json` and `latest.md` into `outDir`; returns their paths. */
export function writeOutputs(outDir: string, results: BenchResults, table: string): { json: string; md: string } {
  mkdirSync(outDir, { recursive: true });
  const json = join(outDir, `${timestampName(results.startedAt)}.json`);
  writeFileSync(json, `${JSON.stringify(results, null, 2)}\n`);
  const md = join(outDir, 'latest.md');
  writeFileSync(md, `# Benchmark results\n\n${table}`);
  return { json, md };
}

export const RESULTS_START = '<!-- results:start -->';
export const RESULTS_END = '<!-- results:end -->';

/** Replaces the marked results section of bench/README.md (appends one if the markers are missing). */
export function updateReadme(readmePath: string, table: string): void {
  const section = `${RESULTS_START}\n${table}${RESULTS_END}`;
  const current = existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : '';
  const start = current.indexOf(RESULTS_START);
  const end = current.indexOf(RESULTS_END);
  const next = start >= 0 && end > start ? `${current.slice(0, start)}${section}${current.slice(end + RESULTS_END.length)}` : `${current.trimEnd()}\n\n## Latest results\n\n${section}\n`;
  writeFileSync(readmePath, next);
}
