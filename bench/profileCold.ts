/**
 * The cold path, measured and profiled on its own (issue 12): one cold
 * gateway (nothing cached) against the demo services at 0 ms, sent N
 * sequential requests of one operation with rotating ids (rotation.ts), after
 * W warm-up requests for the JIT.
 *
 * Why its own harness and not `npm run bench`: the cold path's cost is the
 * gateway's own work per request, and the questions are "where does it go"
 * and "did this change shrink it". With the services at 0 ms the latency of
 * a sequential request is that work plus two event-loop round trips; the
 * profile says which functions do it. Three modes:
 * - `plain`: p50/mean/p95 latency and the gateway's CPU ms per request
 *   (from its /metrics), over N requests: noisy on a shared machine.
 * - `cpu-prof`: the same under `node --cpu-prof`; self time of the measured
 *   window grouped by function and by module.
 * - `callgrind`: the gateway under valgrind, instructions counted only while
 *   the N requests run (callgrind.ts): the figure that does not move with
 *   the machine's noise.
 *
 * Usage: npx tsc -p tsconfig.build.json && node dist/bench/profileCold.js
 *          [--mode plain|cpu-prof|callgrind] [--requests N] [--warmup W]
 *          [--operation WebProductPage] [--top K]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../src/config';
import { startCallgrindGateway, instrument, summarise } from './callgrind';
import { monotonicUs, selfTimeBy, type CallFrame, type CpuProfile } from './cpuProfile';
import { f } from './format';
import type { Rotation } from './load';
import { loadOperations, OPERATION_NAMES } from './operations';
import { diffMetrics, scrapeMetrics } from './probes';
import { startDemo, startGateway, stopAll, stopProcess, type Managed } from './processes';
import { coldRotation, prepareColdInputs } from './rotation';
import { problemOf, send } from './warmup';

type Mode = 'plain' | 'cpu-prof' | 'callgrind';

interface Options {
  mode: Mode;
  requests: number;
  warmup: number;
  operation: string;
  top: number;
}

const USAGE = `usage: node dist/bench/profileCold.js [flags]
  --mode M         plain (latency only, default), cpu-prof (node --cpu-prof) or callgrind (instructions per request)
  --requests N     measured sequential requests (default 1000; 200 with callgrind)
  --warmup W       warm-up requests before them, not measured (default 500)
  --operation OP   one of ${OPERATION_NAMES.join(', ')} (default WebProductPage)
  --top K          rows of the function and module tables (default 15)`;

function parse(argv: readonly string[]): Options {
  const seen: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i] as string;
    const value = argv[i + 1];
    if (!['--mode', '--requests', '--warmup', '--operation', '--top'].includes(flag) || value === undefined) throw new Error(`unknown or incomplete argument ${flag}\n${USAGE}`);
    seen[flag] = value;
  }
  const mode = (seen['--mode'] ?? 'plain') as Mode;
  if (!['plain', 'cpu-prof', 'callgrind'].includes(mode)) throw new Error(`--mode takes plain, cpu-prof or callgrind; received ${mode}`);
  const count = (flag: string, fallback: number) => {
    const n = Number(seen[flag] ?? fallback);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} takes an integer ≥ 0; received ${seen[flag]}`);
    return n;
  };
  return { mode, requests: count('--requests', mode === 'callgrind' ? 200 : 1000), warmup: count('--warmup', 500), operation: seen['--operation'] ?? 'WebProductPage', top: count('--top', 15) };
}

const log = (line: string) => process.stdout.write(`${line}\n`);

/** `count` requests one after the other; each one's milliseconds, and the first problem seen. */
async function sequential(url: string, rotation: Rotation, count: number): Promise<{ ms: number[]; problem: string | null }> {
  const ms: number[] = [];
  let problem: string | null = null;
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const answer = await send(url, rotation.next());
    ms.push(performance.now() - started);
    problem ??= problemOf(answer);
  }
  return { ms, problem };
}

function latencyLine(ms: readonly number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  const mean = ms.reduce((s, x) => s + x, 0) / ms.length;
  return `p50 ${f(at(0.5), 3)} ms, mean ${f(mean, 3)} ms, p95 ${f(at(0.95), 3)} ms, p99 ${f(at(0.99), 3)} ms over ${ms.length} sequential requests`;
}

/** Where a frame's code lives: a package, a file of ours, node's internals, or V8's own pseudo-frames. */
function moduleOf(frame: CallFrame): string {
  const url = frame.url;
  if (!url) return frame.functionName; // (program), (garbage collector), (idle)
  const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1] as string;
  const ours = /\/dist\/(.*)$/.exec(url);
  if (ours) return ours[1] as string;
  return url.startsWith('node:') ? url : url.replace(/^file:\/\//, '');
}

function functionOf(frame: CallFrame): string {
  return `${frame.functionName || '(anonymous)'} ${moduleOf(frame)}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
}

function table(title: string, rows: { key: string; ms: number }[], total: number, requests: number, top: number): void {
  log(`\n| ${title} | self ms | % of busy | µs/request |\n|---|--:|--:|--:|`);
  for (const row of rows.slice(0, top)) log(`| \`${row.key}\` | ${f(row.ms, 1)} | ${f((100 * row.ms) / total, 1)} | ${f((1000 * row.ms) / requests, 1)} |`);
}

async function measureOnce(url: string, rotation: Rotation, o: Options): Promise<void> {
  const warm = await sequential(url, rotation, o.warmup);
  if (warm.problem) log(`  ! warm-up: ${warm.problem}`);
  const before = await scrapeMetrics(url);
  const run = await sequential(url, rotation, o.requests);
  const d = diffMetrics(before, await scrapeMetrics(url));
  if (run.problem) log(`  ! measured run: ${run.problem}`);
  log(`${o.operation} cold: ${latencyLine(run.ms)}`);
  // The /metrics scrape itself is one request of the difference: negligible against N.
  log(`gateway: ${f((d.cpuSeconds * 1000) / o.requests, 3)} ms CPU/request, ${f(d.downstreamCalls / o.requests, 2)} downstream calls/request`);
}

async function profiled(root: string, urls: Parameters<typeof startGateway>[2], rotation: Rotation, o: Options, tmp: string): Promise<void> {
  const dir = mkdtempSync(join(tmp, 'cpu-prof-'));
  const gw = await startGateway(root, 'cold', urls, 'profile-cold:', {}, ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=100']);
  const window = { startUs: 0, endUs: 0 };
  try {
    const warm = await sequential(gw.url, rotation, o.warmup);
    if (warm.problem) log(`  ! warm-up: ${warm.problem}`);
    window.startUs = monotonicUs();
    const run = await sequential(gw.url, rotation, o.requests);
    window.endUs = monotonicUs();
    if (run.problem) log(`  ! measured run: ${run.problem}`);
    log(`${o.operation} cold, profiled (the profiler slows it): ${latencyLine(run.ms)}`);
  } finally {
    await stopProcess(gw.proc, 60_000);
  }
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile in ${dir}: the gateway did not exit normally`);
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  const byFunction = selfTimeBy(profile, functionOf, [window]).filter((r) => r.key !== '(idle) (idle)');
  const busy = byFunction.reduce((s, r) => s + r.ms, 0);
  log(`profile: ${dir}/${file}; busy (not idle) ${f(busy, 1)} ms in the window = ${f((1000 * busy) / o.requests, 1)} µs/request`);
  table('function (self time)', byFunction, busy, o.requests, o.top);
  table('module (self time)', selfTimeBy(profile, moduleOf, [window]).filter((r) => r.key !== '(idle)'), busy, o.requests, o.top);
}

async function callgrind(root: string, urls: Parameters<typeof startGateway>[2], rotation: Rotation, o: Options, tmp: string): Promise<void> {
  const dir = mkdtempSync(join(tmp, 'callgrind-'));
  const gw = await startCallgrindGateway(root, urls, dir);
  let proc: Managed | null = gw.proc;
  try {
    const warm = await sequential(gw.url, rotation, o.warmup);
    if (warm.problem) log(`  ! warm-up: ${warm.problem}`);
    await instrument(gw, true);
    const run = await sequential(gw.url, rotation, o.requests);
    await instrument(gw, false);
    if (run.problem) log(`  ! measured run: ${run.problem}`);
    log(`${o.operation} cold under callgrind (~50× slower, for the count only): ${latencyLine(run.ms)}`);
    await stopProcess(gw.proc, 120_000);
    proc = null;
  } finally {
    if (proc) await stopProcess(proc, 120_000);
  }
  const summary = await summarise(gw.outFile, o.top);
  const perRequest = (ir: number) => f(ir / o.requests / 1e6, 3);
  log(`callgrind: ${gw.outFile}-*; ${f(summary.totalIr / 1e6, 1)} M instructions in the window`);
  log(
    `M instructions/request: ${perRequest(summary.totalIr)} all threads, ${perRequest(summary.mainIr)} main thread; ` +
      `of all, ${perRequest(summary.gcIr)} in V8's GC and ${perRequest(summary.compilerIr)} in its compilers`,
  );
  log(`\n| main thread function (own instructions) | M Ir/request | % of main |\n|---|--:|--:|`);
  for (const fn of summary.functions) log(`| \`${fn.name}\` | ${perRequest(fn.ir)} | ${f((100 * fn.ir) / summary.mainIr, 1)} |`);
}

async function main(): Promise<void> {
  const o = parse(process.argv.slice(2));
  const root = projectRoot();
  const [op] = loadOperations(root, [o.operation]);
  if (!op) throw new Error(`no operation ${o.operation}`);
  const tmp = mkdtempSync(join(tmpdir(), 'profile-cold-'));
  try {
    const demo = await startDemo(root, 0);
    const inputs = await prepareColdInputs(demo.urls, 0);
    const rotation = coldRotation(op, inputs);
    log(`${o.mode}: ${o.warmup} warm-up + ${o.requests} measured sequential ${o.operation} requests, demo services at 0 ms, cold gateway (nothing cached), ${rotation.size} distinct ids`);
    if (o.mode === 'plain') {
      const gw = await startGateway(root, 'cold', demo.urls, 'profile-cold:');
      try {
        await measureOnce(gw.url, rotation, o);
      } finally {
        await stopProcess(gw.proc);
      }
    } else if (o.mode === 'cpu-prof') {
      await profiled(root, demo.urls, rotation, o, tmp);
    } else {
      await callgrind(root, demo.urls, rotation, o, tmp);
    }
  } finally {
    await stopAll();
    if (o.mode === 'plain') rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  void stopAll().finally(() => process.exit(1));
});
