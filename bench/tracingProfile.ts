/**
 * "Tracing off costs nothing measurable" (issue 9), measured rather than
 * assumed: a tracing-off warm gateway, apart from the off/on comparison, run
 * under `node --cpu-prof` through the same load, and its profile read for
 * the time spent in the project's tracing code (src/telemetry/,
 * http/tracedEndpoint, graphql/plugins/tracingPlugin) and in any
 * @opentelemetry module, during the load runs only (cpuProfile.ts says how):
 * their own functions' time is the target's number, and the samples with any
 * of them anywhere on the stack are counted too (with tracing off, none).
 * A preload (loadedModules.ts) lists the modules the process loaded, so the
 * report also says whether the SDK was loaded at all: with tracing off it
 * must not be (telemetry/tracing.ts imports it only when an endpoint is set).
 *
 * Why a profile and not a third side in the comparison: what tracing off
 * leaves in the request path is one `if (tracing)` per instrumented place,
 * nanoseconds against a request's ~0.3 ms, far below the 5–10 % that one
 * run's throughput moves by on this machine; a throughput comparison could
 * only say "within the noise". The profile shows where the time went instead:
 * no sample in tracing code is a positive statement. What it cannot see is
 * the branch itself, inlined into its caller; that is the part argued, not
 * measured. Why a separate gateway: the profiler costs the profiled process
 * some CPU, so its throughput is shown but compared with nothing.
 *
 * The gateway is stopped with SIGTERM and exits normally (SHUTDOWN_DELAY_MS=0,
 * processes.ts), which is when node writes the profile.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { monotonicUs, profileShare, type CpuProfile, type ProfileShare, type ProfileWindow } from './cpuProfile';
import { f, mark, pct } from './format';
import { runLoad, type Rotation } from './load';
import { progressLine, type RunRecord } from './measure';
import type { OperationSpec } from './operations';
import { compiled, stopProcess, type GatewayProcess, type Scenario } from './processes';
import type { SideBySidePlan } from './sideBySide';
import { warmUp } from './warmup';

/** Starts a gateway of `scenario` with `env` and `nodeFlags`, runs `body` with it, stops it (run.ts's withGateway). */
export type Launch = (scenario: Scenario, env: NodeJS.ProcessEnv, body: (gw: GatewayProcess) => Promise<void>, nodeFlags?: readonly string[]) => Promise<void>;

/** The target: the time in tracing code's own functions stays below this share of the profiled gateway's busy CPU under load. */
export const MAX_TRACING_OFF_SHARE = 0.005;
/** µs between two samples (node's default is 1000): finer, so that a few µs per request would still show. */
const PROFILE_INTERVAL_US = 200;
/** Writing a profile of tens of thousands of samples at exit takes a moment on a loaded machine. */
const PROFILE_STOP_GRACE_MS = 30_000;
const WARM_UP_REQUESTS = 200;

const TRACING_CODE = [/\/src\/telemetry\//, /\/src\/http\/tracedEndpoint\.js$/, /\/src\/graphql\/plugins\/tracingPlugin\.js$/, /\/node_modules\/@opentelemetry\//];
/** The OpenTelemetry packages a tracing-off gateway loads: the API (no-op without an SDK) and the attribute names. */
const NOT_SDK = ['@opentelemetry/api', '@opentelemetry/semantic-conventions'];

export function isTracingCode(url: string): boolean {
  return TRACING_CODE.some((pattern) => pattern.test(url));
}

export interface TracingProfile {
  intervalUs: number;
  /** The load runs, in the order they ran (their CPU is not read: the profiler's share would be in it). */
  runs: RunRecord[];
  /** During the load runs: what the target reads. */
  underLoad: ProfileShare | null;
  /** The whole life of the process, start-up and warm-ups included. */
  whole: ProfileShare | null;
  /** @opentelemetry packages the process loaded. */
  otelPackages: string[];
  /** Of those, the ones that are neither the API nor the semantic conventions. */
  sdkPackages: string[];
  /** Why there is no profile (no file written, unreadable), else null. */
  error: string | null;
}

/** Per operation of the plan: priming and warm-up, then one run whose samples are read; then the gateway is stopped and its profile read. */
export async function profileTracingOff(
  launch: Launch,
  root: string,
  offEnv: Record<string, string>,
  plan: SideBySidePlan,
  rotationOf: (op: OperationSpec) => Rotation,
  log: (line: string) => void,
  tmp: string,
): Promise<TracingProfile> {
  const dir = mkdtempSync(join(tmp, 'cpu-prof-'));
  const modulesFile = join(dir, 'modules.json');
  const windows: ProfileWindow[] = [];
  const runs: RunRecord[] = [];
  const flags = ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-interval=${PROFILE_INTERVAL_US}`, `--require=${compiled(root, 'bench/loadedModules.js')}`];
  await launch(
    'tracing-profiled',
    { ...offEnv, BENCH_LOADED_MODULES: modulesFile },
    async (gw) => {
      for (const op of plan.operations) {
        const rotation = rotationOf(op);
        await runLoad(gw.url, rotation, plan.connections, plan.primeS);
        const problem = await warmUp(gw.url, rotation, WARM_UP_REQUESTS, 8);
        if (problem) log(`  ! ${op.name} ${gw.scenario} warm-up: ${problem}`);
        const startUs = monotonicUs();
        const load = await runLoad(gw.url, rotation, plan.connections, plan.durationS);
        windows.push({ startUs, endUs: monotonicUs() });
        const run: RunRecord = { operation: op.name, scenario: gw.scenario, kind: 'throughput', connections: plan.connections, durationS: plan.durationS, load };
        runs.push(run);
        log(progressLine(run));
      }
      await stopProcess(gw.proc, PROFILE_STOP_GRACE_MS);
      const exit = gw.proc.child;
      if (exit.exitCode !== 0) log(`  ! profiled gateway exited with code ${exit.exitCode}, signal ${exit.signalCode}`);
    },
    flags,
  );
  const result: TracingProfile = { intervalUs: PROFILE_INTERVAL_US, runs, underLoad: null, whole: null, otelPackages: [], sdkPackages: [], error: null };
  try {
    const loaded = JSON.parse(readFileSync(modulesFile, 'utf8')) as string[];
    result.otelPackages = [...new Set(loaded.flatMap((file) => /\/node_modules\/(@opentelemetry\/[^/]+)\//.exec(file)?.[1] ?? []))].sort();
    result.sdkPackages = result.otelPackages.filter((p) => !NOT_SDK.includes(p));
    const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
    if (!file) throw new Error(`no .cpuprofile in ${dir}: the gateway did not exit normally`);
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    result.underLoad = profileShare(profile, isTracingCode, windows);
    result.whole = profileShare(profile, isTracingCode);
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
  }
  return result;
}

export function tracingOffTarget(p: TracingProfile, operations: readonly string[]): { name: string; pass: boolean; line: string } {
  const u = p.underLoad;
  const share = u?.shareOfBusy ?? NaN;
  const pass = p.error === null && u !== null && u.samples > 0 && share <= MAX_TRACING_OFF_SHARE && p.sdkPackages.length === 0;
  const sdk = p.sdkPackages.length ? `SDK LOADED (${p.sdkPackages.join(', ')})` : `SDK not loaded (loaded: ${p.otelPackages.join(', ') || 'no @opentelemetry package'})`;
  return {
    name: 'tracing off',
    pass,
    line:
      `${mark(pass)}  tracing off (${operations.join(', ')}): ${f(u?.selfMs, 1)} ms = ${f(100 * share, 3)} % of the gateway's ${f(u ? u.busyMs / 1000 : NaN, 1)} s of CPU under load in tracing code ` +
      `(≤ ${pct(MAX_TRACING_OFF_SHARE)}; ${u?.stackSamples ?? 0} of ${u?.samples ?? 0} samples, taken every ${p.intervalUs} µs, had it anywhere on the stack); ${sdk}${p.error ? `; ${p.error}` : ''}`,
  };
}

export function tracingOffTable(p: TracingProfile): string {
  const row = (label: string, s: ProfileShare | null) =>
    s
      ? `| ${label} | ${s.samples} | ${f(s.sampledMs / 1000, 1)} | ${f(s.busyMs / 1000, 1)} | ${f(s.selfMs, 1)} | ${f(100 * s.shareOfBusy, 3)} % | ${s.stackSamples} | ${f(s.stackMs, 1)} |`
      : `| ${label} | – | – | – | – | – | – | – |`;
  const names = (s: ProfileShare | null) => (s?.functions.length ? s.functions.map((fn) => `\`${fn.function}\` (${fn.url.replace(/^.*?\/(dist|node_modules)\//, '')}:${fn.line})`).join(', ') : 'none');
  return [
    `| tracing off, profiled (${p.runs.map((r) => `${r.operation} ${f(r.load.reqPerSec, 0)} req/s`).join(', ')}) | samples | sampled s | busy s | in tracing code ms | % of busy | samples with it on the stack | their ms |`,
    '|---|--:|--:|--:|--:|--:|--:|--:|',
    row('during the load runs', p.underLoad),
    row('whole process (start-up included)', p.whole),
    '',
    `Tracing code: src/telemetry/, http/tracedEndpoint, graphql/plugins/tracingPlugin and node_modules/@opentelemetry/. ` +
      `Its sampled functions during the load runs: ${names(p.underLoad)}; over the whole process: ${names(p.whole)}. ` +
      `Loaded @opentelemetry packages: ${p.otelPackages.join(', ') || 'none'}${p.sdkPackages.length ? ` (SDK: ${p.sdkPackages.join(', ')})` : ' (no SDK package)'}.` +
      (p.error ? ` Profile: ${p.error}.` : ''),
  ].join('\n');
}
