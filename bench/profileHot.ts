/**
 * The hot paths' cost per request, in figures that do not move with the
 * machine's load: instructions per request (valgrind's callgrind) for the
 * warm (entity cache only) and cached (response cache too) gateway, and
 * beside them CPU ms per request and a CPU profile for where the time goes.
 *
 * Why instructions: on this shared 2-core machine one run's req/s and CPU
 * ms/request move by 10–30 % between identical runs, which hides any single
 * change of a few per cent. Callgrind counts every instruction the gateway
 * process executes (all its threads: V8's compiler and GC helpers, libuv's
 * pool), so a count taken after warm-up is the same from one run to the next
 * within a fraction of a per cent, whatever else runs.
 *
 *   npx tsc -p tsconfig.build.json
 *   node dist/bench/profileHot.js                         # callgrind, warm and cached, the three target operations
 *   node dist/bench/profileHot.js --mode cpu              # CPU ms/request under load (32 connections), no valgrind
 *   node dist/bench/profileHot.js --mode prof --only WebProductPage --scenarios warm   # top self-time functions
 *
 * | flag | meaning | default |
 * |---|---|---|
 * | `--mode callgrind\|cpu\|prof` | what to measure (below) | `callgrind` |
 * | `--only A,B` | operations | WebProductPage, WebCategoryListing, MobileHome |
 * | `--scenarios warm,cached` | gateways (bench/processes.ts SCENARIO_ENV) | both |
 * | `--warmup N` | requests of each operation before anything is measured | 2000 (callgrind), 4000 otherwise |
 * | `--requests N` | callgrind: requests per measured window | 200 |
 * | `--windows N` | callgrind: measured windows per operation (each reported; the least and the median are the figures) | 3 |
 * | `--connections N` | callgrind: requests in flight; cpu, prof: autocannon connections | 1 (callgrind), 32 |
 * | `--duration S` | cpu, prof: seconds per load run | 5 |
 * | `--runs N` | cpu: load runs per operation (the median is reported) | 3 |
 * | `--top N` | prof: functions listed | 25 |
 * | `--node-flags "F …"` | cpu: node flags of the gateway, e.g. a `--require` preload that counts GCs | none |
 * | `--time-factor F` | callgrind: the gateway's clocks run at F × real time (libfaketime); 1 = untouched | 0.025 when libfaketime is installed, else 1 |
 * | `--env K=V,…` | settings every gateway gets besides its scenario's, e.g. `OTEL_EXPORTER_OTLP_COMPRESSION=gzip` | none |
 * | `--tracing on\|off` | on: every request traced and exported, with the tracing scenario's "on" settings (bench/tracing.ts), to a span sink in this process | off |
 *
 * callgrind: the gateway runs as in production (bench/processes.ts
 * startGateway: compiled, NODE_ENV=production, LOG_LEVEL=info, log to
 * /dev/null) under `valgrind --tool=callgrind`, the demo services in their
 * own process at 0 ms latency. Every operation is warmed up first (JIT),
 * then per operation and window: counters zeroed (`callgrind_control -z`),
 * N requests of the example variables, a dump (`callgrind_control -d`); the
 * dump's total ÷ N is the window's instructions per request. The least of the
 * windows is the steady cost (a window that holds a major GC, a tier-up
 * compilation or the stock refresh costs hundreds of thousands more per
 * request); the median and the mean (which spreads a major GC over all the
 * windows, as a long run does) are printed beside it, and each window's downstream
 * calls and response-cache misses. Those follow the wall clock (stock has
 * max-age 5 s, so does a response built from it), which runs about 50×
 * faster against requests under valgrind: a cached window had a miss (a
 * full execution) every few dozen requests, where a real run has one in
 * thousands. So the gateway's clocks are slowed to match (libfaketime,
 * Debian's `faketime` package: `LD_PRELOAD` and `FAKETIME=+0 x0.025`, time
 * at 1/40 of real time): cache ages, TTLs and timers then pass per request
 * about as they do at full speed. The dumps stay in the printed
 * directory for `callgrind_annotate`. Only difference to
 * production: longer bounds in time (SHED_EVENT_LOOP_DELAY_MS, REQUEST_TIMEOUT_MS,
 * DOWNSTREAM_TIMEOUT_MS, DOWNSTREAM_CONNECT_TIMEOUT_MS), because under valgrind
 * (20–50× slower) the first, cold request passes its 10 s deadline and a
 * compilation can stall the loop past the 1 s shedding default; the same
 * checks and timers run either way, with other numbers.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../src/config';
import { monotonicUs, type CpuProfile, type ProfileWindow } from './cpuProfile';
import { runLoad, type Rotation } from './load';
import { loadOperations, type OperationSpec } from './operations';
import { diffMetrics, scrapeMetrics, settle } from './probes';
import { startDemo, startGateway, stopAll, stopProcess, type GatewayProcess, type LaunchOptions } from './processes';
import { exampleRotation, exampleToken } from './rotation';
import { startSpanSink } from './spanSink';
import { TRACED_SERVICE, tracingEnv } from './tracing';
import { warmUp } from './warmup';

type Mode = 'callgrind' | 'cpu' | 'prof';
type HotScenario = 'warm' | 'cached';

interface Options {
  mode: Mode;
  only: string[];
  scenarios: HotScenario[];
  warmup: number;
  requests: number;
  windows: number;
  connections: number;
  duration: number;
  runs: number;
  top: number;
  nodeFlags: string[];
  timeFactor: number;
  tracing: boolean;
  /** Settings every gateway gets on top of its scenario's (the tracing settings when `tracing`). */
  env: Record<string, string>;
}

/** Debian's libfaketime (package `faketime`), the multi-threaded build. */
const FAKETIME_LIBRARY = '/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1';

/** Time bounds long enough for a process 20–50× slower than usual (see above). */
const CALLGRIND_BOUNDS = { SHED_EVENT_LOOP_DELAY_MS: '600000', REQUEST_TIMEOUT_MS: '600000', DOWNSTREAM_TIMEOUT_MS: '120000', DOWNSTREAM_CONNECT_TIMEOUT_MS: '120000' };

const log = (line: string) => process.stdout.write(`${line}\n`);

function parse(argv: readonly string[]): Options {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) flags.set((argv[i] as string).replace(/^--/, ''), argv[i + 1] ?? '');
  const mode = (flags.get('mode') ?? 'callgrind') as Mode;
  if (!['callgrind', 'cpu', 'prof'].includes(mode)) throw new Error(`--mode must be callgrind, cpu or prof; received ${mode}`);
  const int = (name: string, fallback: number) => {
    const value = flags.has(name) ? Number(flags.get(name)) : fallback;
    if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer; received ${flags.get(name)}`);
    return value;
  };
  const list = (name: string, fallback: string) => (flags.get(name) ?? fallback).split(',').filter((s) => s !== '');
  const scenarios = list('scenarios', 'warm,cached') as HotScenario[];
  for (const s of scenarios) if (s !== 'warm' && s !== 'cached') throw new Error(`--scenarios takes warm and cached; received ${s}`);
  const callgrind = mode === 'callgrind';
  return {
    mode,
    only: list('only', 'WebProductPage,WebCategoryListing,MobileHome'),
    scenarios,
    warmup: int('warmup', callgrind ? 2000 : 4000),
    requests: int('requests', 200),
    windows: int('windows', 3),
    connections: int('connections', callgrind ? 1 : 32),
    duration: int('duration', 5),
    runs: int('runs', 3),
    top: int('top', 25),
    nodeFlags: list('node-flags', '').flatMap((f) => f.split(' ')).filter((f) => f !== ''),
    timeFactor: flags.has('time-factor') ? Number(flags.get('time-factor')) : existsSync(FAKETIME_LIBRARY) ? 0.025 : 1,
    tracing: tracingFlag(flags.get('tracing') ?? 'off'),
    env: settings(flags.get('env') ?? ''),
  };
}

function settings(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of value.split(',').filter((p) => p !== '')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--env takes KEY=VALUE pairs, comma-separated; received ${pair}`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

function tracingFlag(value: string): boolean {
  if (value !== 'on' && value !== 'off') throw new Error(`--tracing takes on or off; received ${value}`);
  return value === 'on';
}

/** Warms every operation up, interleaved, so that no operation's warm-up deoptimizes code another was measured with. */
async function warmAll(gw: GatewayProcess, rotations: Map<OperationSpec, Rotation>, count: number, concurrency: number): Promise<void> {
  const rounds = 4;
  for (let round = 0; round < rounds; round++) {
    for (const [op, rotation] of rotations) {
      const problem = await warmUp(gw.url, rotation, Math.ceil(count / rounds), concurrency);
      if (problem) throw new Error(`${op.name} (${gw.scenario}) warm-up: ${problem}`);
    }
  }
}

/**
 * `callgrind_control` on the gateway. Its pipes are named after the USER and HOST of the process
 * (valgrind's vgdb), and the gateway has HOST=127.0.0.1 (its listening address, processes.ts):
 * callgrind_control must name the same.
 */
function control(gw: GatewayProcess, dir: string, args: string[]): void {
  const output = execFileSync('callgrind_control', [`--vgdb-prefix=${join(dir, 'vgdb')}`, ...args, String(gw.proc.pid)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HOST: '127.0.0.1' },
  });
  if (!/OK\./.test(output)) throw new Error(`callgrind_control ${args.join(' ')}: ${output}`);
}

/** Total instructions of a callgrind dump (its `totals:` or `summary:` line). */
function dumpTotal(file: string): number {
  const match = /^(?:totals|summary): (\d+)/m.exec(readFileSync(file, 'utf8'));
  if (!match) throw new Error(`${file} has no totals line`);
  return Number(match[1]);
}

async function callgrind(root: string, options: Options, scenario: HotScenario, ops: OperationSpec[], rotations: Map<OperationSpec, Rotation>, services: Parameters<typeof startGateway>[2]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), `hot-${scenario}-`));
  const launch: LaunchOptions = {
    wrapper: ['valgrind', '--tool=callgrind', `--callgrind-out-file=${join(dir, 'cg.out')}`, `--vgdb-prefix=${join(dir, 'vgdb')}`],
    startTimeoutMs: 600_000,
  };
  const clock = options.timeFactor === 1 ? {} : { LD_PRELOAD: FAKETIME_LIBRARY, FAKETIME: `+0 x${options.timeFactor}` };
  const gw = await startGateway(root, scenario, services, 'hot:', { ...options.env, ...CALLGRIND_BOUNDS, ...clock }, [], launch);
  log(`${scenario}: gateway under callgrind, pid ${gw.proc.pid}, clocks at ${options.timeFactor} × real time, dumps in ${dir}`);
  try {
    await warmAll(gw, rotations, options.warmup, options.connections);
    for (const op of ops) {
      const perWindow: number[] = [];
      const notes: string[] = [];
      for (let w = 0; w < options.windows; w++) {
        // Scraped outside the counted window: what else happened in it (response-cache misses, background refreshes).
        const metricsBefore = await scrapeMetrics(gw.url);
        control(gw, dir, ['-z']);
        const problem = await warmUp(gw.url, rotations.get(op) as Rotation, options.requests, options.connections);
        if (problem) throw new Error(`${op.name} (${scenario}): ${problem}`);
        const before = new Set(readdirSync(dir));
        control(gw, dir, [`--dump=${op.name}-${w}`]);
        const dumped = readdirSync(dir).filter((f) => !before.has(f));
        if (dumped.length !== 1) throw new Error(`expected one new dump in ${dir}, found ${dumped.join(', ') || 'none'}`);
        perWindow.push(dumpTotal(join(dir, dumped[0] as string)) / options.requests);
        const d = diffMetrics(metricsBefore, await scrapeMetrics(gw.url));
        notes.push(`${scenario === 'cached' ? `${d.responseCache.miss ?? 0} misses, ` : ''}${d.downstreamCalls} calls`);
      }
      const sorted = [...perWindow].sort((a, b) => a - b);
      const k = (v: number) => Math.round(v / 1000);
      const mean = perWindow.reduce((a, b) => a + b, 0) / perWindow.length;
      log(
        `  ${scenario.padEnd(6)} ${op.name.padEnd(20)} ${k(sorted[0] as number)} k instructions/request, median ${k(sorted[Math.floor(sorted.length / 2)] as number)} k, mean ${k(mean)} k  (windows: ${perWindow.map((v, i) => `${k(v)} k [${notes[i]}]`).join(', ')}; ${options.requests} requests each, ${options.connections} in flight)`,
      );
    }
  } finally {
    await stopProcess(gw.proc, 60_000);
  }
}

async function cpu(root: string, options: Options, scenario: HotScenario, ops: OperationSpec[], rotations: Map<OperationSpec, Rotation>, services: Parameters<typeof startGateway>[2]): Promise<void> {
  const gw = await startGateway(root, scenario, services, 'hot:', options.env, options.nodeFlags);
  log(`${scenario}: gateway pid ${gw.proc.pid}`);
  try {
    await warmAll(gw, rotations, options.warmup, 8);
    for (const op of ops) {
      const perRun: { cpuMs: number; reqPerSec: number }[] = [];
      for (let r = 0; r < options.runs; r++) {
        const before = await scrapeMetrics(gw.url);
        const load = await runLoad(gw.url, rotations.get(op) as Rotation, options.connections, options.duration);
        const d = diffMetrics(before, await settle(gw.url));
        if (load.non2xx + load.graphqlErrors + load.connectionErrors > 0) throw new Error(`${op.name} (${scenario}): ${load.problemSamples.join(' | ')}`);
        perRun.push({ cpuMs: (d.cpuSeconds * 1000) / d.requests, reqPerSec: load.reqPerSec });
      }
      const median = <T>(values: T[], by: (v: T) => number) => values.map(by).sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
      log(
        `  ${scenario.padEnd(6)} ${op.name.padEnd(20)} ${median(perRun, (r) => r.cpuMs).toFixed(3)} ms CPU/request, ${Math.round(median(perRun, (r) => r.reqPerSec))} req/s (medians of ${options.runs}; runs: ${perRun.map((r) => r.cpuMs.toFixed(3)).join(', ')} ms)`,
      );
    }
  } finally {
    await stopProcess(gw.proc);
  }
}

async function prof(root: string, options: Options, scenario: HotScenario, ops: OperationSpec[], rotations: Map<OperationSpec, Rotation>, services: Parameters<typeof startGateway>[2]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), `hot-prof-${scenario}-`));
  const gw = await startGateway(root, scenario, services, 'hot:', options.env, ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=100']);
  const windows = new Map<OperationSpec, ProfileWindow>();
  try {
    await warmAll(gw, rotations, options.warmup, 8);
    for (const op of ops) {
      const startUs = monotonicUs();
      await runLoad(gw.url, rotations.get(op) as Rotation, options.connections, options.duration);
      windows.set(op, { startUs, endUs: monotonicUs() });
    }
  } finally {
    await stopProcess(gw.proc);
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no profile in ${dir}`);
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  for (const [op, window] of windows) {
    log(`  ${scenario} ${op.name}: self time by function (${dir}/${file})`);
    for (const line of topSelf(profile, window, options.top)) log(`    ${line}`);
  }
}

/** The functions with the most self time inside `window`, as lines: ms, share of busy time, name and place. */
function topSelf(profile: CpuProfile, window: ProfileWindow, top: number): string[] {
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const self = new Map<string, number>();
  let t = profile.startTime;
  let busy = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] as number;
    const next = i + 1 < profile.timeDeltas.length ? (profile.timeDeltas[i + 1] as number) : 0;
    if (t < window.startUs || t > window.endUs) continue;
    const frame = frames.get(profile.samples[i] as number);
    if (!frame || frame.functionName === '(idle)') continue;
    const key = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${frame.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + next);
    busy += next;
  }
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, us]) => `${(us / 1000).toFixed(1).padStart(8)} ms ${((100 * us) / busy).toFixed(1).padStart(5)} %  ${key}`)
    .concat([`busy ${(busy / 1000).toFixed(0)} ms`]);
}

async function main(): Promise<void> {
  const options = parse(process.argv.slice(2));
  const root = projectRoot();
  const ops = loadOperations(root, options.only);
  const token = await exampleToken();
  const rotations = new Map(ops.map((op) => [op, exampleRotation(op, token)]));
  const demo = await startDemo(root, 0);
  const run = { callgrind, cpu, prof }[options.mode];
  const sink = options.tracing ? await startSpanSink([TRACED_SERVICE]) : null;
  if (sink) options.env = { ...tracingEnv(sink.url).on, ...options.env };
  log(`hot path profile: mode ${options.mode}, warm-up ${options.warmup} per operation, tracing ${sink ? `on (spans to ${sink.url})` : 'off'}, node ${process.version}`);
  try {
    for (const scenario of options.scenarios) await run(root, options, scenario, ops, rotations, demo.urls);
    if (sink) log(`span sink: ${sink.spans} spans in ${sink.exports} exports, ${sink.rejected} rejected`);
  } finally {
    await stopAll();
    await sink?.close();
  }
}

main().catch(async (error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  await stopAll();
  process.exit(1);
});
