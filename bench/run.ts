/**
 * `npm run bench`: the benchmark's orchestration, top to bottom.
 *
 * 1. demo services in their own process (`--latency`), ids probed for the cold rotation;
 * 2. cold gateway (no entity cache, no response cache): per operation,
 *    after the priming and COLD_SETTLE_S of sequential requests, a
 *    latency run with 1 connection, 20 sequential requests whose downstream
 *    calls are recorded (plainClient.ts), and a throughput run with
 *    `--connections`; then the plain client replaying the recorded calls;
 *    then the same latency runs, and the plain client, against a second set of
 *    demo services at 0 ms;
 * 3. warm gateway (entity cache): per operation a throughput run, then the
 *    bare node:http reference answering the same bytes; then the memory soak;
 * 4. cached gateway (entity + response cache): per operation a throughput
 *    run; then the memory soak;
 * 5. overload (overload.ts): a cold gateway with SHED_MAX_IN_FLIGHT = --connections
 *    at saturation and at 4× that load, and a default-bounds gateway at 4×;
 * 6. protections (protections.ts): two warm gateways, every protection off and
 *    the production defaults with budgets charged, runs interleaved off/on;
 * 7. tracing (tracing.ts): two warm gateways, tracing off and on (every request
 *    sampled, exported to the bench's span sink), runs interleaved off/on; then
 *    a tracing-off gateway under the CPU profiler;
 * 8. report: JSON with every number, markdown table, PASS/FAIL target lines.
 *
 * Why one gateway per scenario: the cache switches are start-up settings,
 * and each scenario must start from an empty cache. Why it always exits 0
 * after a complete run: it is a measurement, a failed target is a result.
 * It exits non-zero only when the harness itself fails (or on Ctrl-C), and
 * stops every process it started in all cases.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { projectRoot } from '../src/config';
import { parseArgs, USAGE, UsageError, type BenchOptions } from './args';
import { log, phase, warn, withGateway, type Context } from './context';
import { stopActiveLoads, type Rotation } from './load';
import { describeMachine, machineInfo } from './machine';
import { measureGatewayRun, measureReferenceRun, progressLine } from './measure';
import { soak } from './memory';
import { measureOverload, OVERLOAD_FACTOR } from './overload';
import { loadOperations, type OperationSpec } from './operations';
import { measureProtections, PROTECTIONS_ENV, PROTECTIONS_OPERATIONS } from './protections';
import { startBareServer, startDemo, stopAll, stopProcess, type GatewayProcess, type Scenario, type ServiceUrls } from './processes';
import { evaluateTargets, markdown, operationResult, tables, updateReadme, writeOutputs, type BenchResults, type OperationResult } from './report';
import { coldRotation, exampleRotation, exampleToken, fullPass, mixedRotation, prepareColdInputs } from './rotation';
import { sideBySidePlan, type SideBySidePlan } from './sideBySide';
import { measureTracing, TRACING_OPERATIONS } from './tracing';
import { prime, problemOf, send, warmUp } from './warmup';

/**
 * Seconds of unmeasured sequential cold requests before a cold latency run,
 * after the priming: on a fresh gateway the first 5 s run after the priming
 * alone had a p50 0.8–1.5 ms above the runs that followed it on the same
 * gateway (cold WebProductPage at 0 ms: 3.2–3.8 ms, then 2.3–2.7), the
 * sequential path's code still settling; the target is about a gateway
 * whose caches are cold, not its code.
 */
const COLD_SETTLE_S = 5;
import { MIN_PLAN_LATENCY_MS, recordPlans, runPlainLatency } from './plainClient';

/** Sequential cold requests recorded per operation (plainClient.ts): the exact calls count, and the plain client's plans. */
const RECORDED_REQUESTS = 20;

async function coldPhase(ctx: Context): Promise<void> {
  const { options, demo } = ctx;
  phase('cold: ENTITY_CACHE=false RESPONSE_CACHE=false, arguments rotate');
  await withGateway(ctx, 'cold', async (gw) => {
    for (const op of ctx.ops) {
      const rotation = ctx.coldRotations.get(op.name) as Rotation;
      const result = ctx.results.get(op.name) as OperationResult;
      warn(await prime(gw.url, rotation, options.connections), `${op.name} cold priming`);
      warn(await warmUp(gw.url, rotation, 20), `${op.name} cold warm-up`);
      warn(await prime(gw.url, rotation, 1, COLD_SETTLE_S), `${op.name} cold sequential warm-up`);
      result.runs.coldLatency = await measureGatewayRun(gw, demo.urls.catalog, op.name, 'latency', rotation, 1, options.durationS);
      log(progressLine(result.runs.coldLatency));
      const { plans, ...recorded } = await recordPlans(gw.url, demo.urls.catalog, rotation, RECORDED_REQUESTS, options.latencyMs);
      ctx.plans.set(op.name, plans);
      result.recorded = recorded;
      log(`  recorded ${recorded.requests} sequential cold requests: ${recorded.calls} downstream calls (${[...new Set(recorded.callsPerRequest)].join('/')} per request), ${[...new Set(recorded.levelsPerRequest)].join('/')} levels`);
      warn(recorded.problem, `${op.name} recorded requests`);
      result.runs.coldThroughput = await measureGatewayRun(gw, demo.urls.catalog, op.name, 'throughput', rotation, options.connections, options.durationS);
      log(progressLine(result.runs.coldThroughput));
    }
  });
  await plainPhase(ctx, demo.urls, 'latency');
}

/** The plain client over each operation's recorded calls (the cold p50s' reference), against `urls`. */
async function plainPhase(ctx: Context, urls: ServiceUrls, which: 'latency' | 'zero'): Promise<void> {
  if (ctx.options.latencyMs < MIN_PLAN_LATENCY_MS) {
    log(`  plain client: skipped (--latency ${ctx.options.latencyMs} < ${MIN_PLAN_LATENCY_MS} ms: levels cannot be told apart by arrival)`);
    return;
  }
  for (const op of ctx.ops) {
    const plans = ctx.plans.get(op.name);
    if (!plans || plans.length === 0) continue;
    const result = ctx.results.get(op.name) as OperationResult;
    const run = await runPlainLatency(urls, plans, ctx.options.durationS);
    result.plain = { ...result.plain, [which]: run };
    log(`  plain client ${which === 'zero' ? 'at 0 ms' : `at ${ctx.options.latencyMs} ms`}  ${op.name.padEnd(18)} p50 ${run.latencyMs.p50.toFixed(2)} p95 ${run.latencyMs.p95.toFixed(2)} ms  ${run.requests} requests${run.failures ? `  ${run.failures} FAILED calls` : ''}`);
  }
}

/** A second set of demo services at 0 ms and a cold gateway on them: the latency runs that show the gateway's own cost. */
async function coldZeroPhase(ctx: Context): Promise<void> {
  phase('cold at 0 ms: a second set of demo services at --latency 0, ENTITY_CACHE=false RESPONSE_CACHE=false, arguments rotate');
  const zero = await startDemo(ctx.root, 0);
  log(`  demo (0 ms) pid ${zero.proc.pid}: ${Object.values(zero.urls).join(' ')}`);
  try {
    await withGateway({ ...ctx, demo: zero }, 'cold', async (gw) => {
      for (const op of ctx.ops) {
        const rotation = ctx.coldRotations.get(op.name) as Rotation;
        const result = ctx.results.get(op.name) as OperationResult;
        warn(await prime(gw.url, rotation, ctx.options.connections), `${op.name} cold (0 ms) priming`);
        warn(await warmUp(gw.url, rotation, 20), `${op.name} cold (0 ms) warm-up`);
        warn(await prime(gw.url, rotation, 1, COLD_SETTLE_S), `${op.name} cold (0 ms) sequential warm-up`);
        result.runs.coldZeroLatency = await measureGatewayRun(gw, zero.urls.catalog, op.name, 'latency', rotation, 1, ctx.options.durationS);
        log(progressLine(result.runs.coldZeroLatency));
      }
    });
    await plainPhase(ctx, zero.urls, 'zero');
  } finally {
    await stopProcess(zero.proc);
  }
}

async function barePhase(ctx: Context, gw: GatewayProcess, op: OperationSpec, result: OperationResult): Promise<void> {
  const rotation = exampleRotation(op, ctx.token);
  const answer = await send(gw.url, rotation.next());
  warn(problemOf(answer), `${op.name} captured answer`);
  result.responseBodyBytes = answer.body.length;
  const file = join(ctx.tmp, `${op.name}.body`);
  writeFileSync(file, answer.body);
  const bare = await startBareServer(ctx.root, file, answer.contentType);
  try {
    result.runs.bare = await measureReferenceRun(bare.url, op.name, rotation, ctx.options.connections, ctx.options.durationS);
    log(progressLine(result.runs.bare));
  } finally {
    await stopProcess(bare.proc);
  }
}

async function cachedPhase(ctx: Context, scenario: 'warm' | 'cached'): Promise<void> {
  const { options, demo } = ctx;
  phase(scenario === 'warm' ? 'warm: ENTITY_CACHE=true RESPONSE_CACHE=false, example variables' : 'cached: ENTITY_CACHE=true RESPONSE_CACHE=true, example variables');
  await withGateway(ctx, scenario, async (gw) => {
    for (const op of ctx.ops) {
      const rotation = exampleRotation(op, ctx.token);
      const result = ctx.results.get(op.name) as OperationResult;
      warn(await prime(gw.url, rotation, options.connections), `${op.name} ${scenario} priming`);
      warn(await warmUp(gw.url, rotation, 20), `${op.name} ${scenario} warm-up`);
      const run = await measureGatewayRun(gw, demo.urls.catalog, op.name, 'throughput', rotation, options.connections, options.durationS);
      result.runs[scenario] = run;
      log(progressLine(run));
      if (scenario === 'warm') await barePhase(ctx, gw, op, result);
    }
    log(`  memory soak: a fill pass, then ${options.soakS} s of mixed load over ${ctx.ops.length} operations, twice`);
    const rotations = ctx.ops.map((op) => coldRotation(op, ctx.inputs));
    ctx.soaks.push(await soak(gw, demo.urls.catalog, mixedRotation(rotations), fullPass(rotations), options.connections, options.soakS, log));
  });
}

/** The first benchmarked operation (WebProductPage by default) at saturation and at 4× it. */
async function overloadPhase(ctx: Context): Promise<void> {
  const { options, demo } = ctx;
  const op = ctx.ops[0] as OperationSpec;
  const rotation = ctx.coldRotations.get(op.name) as Rotation;
  const overloadConnections = options.connections * OVERLOAD_FACTOR;
  phase(`overload: cold gateway, SHED_MAX_IN_FLIGHT=${options.connections}, ${op.name} at ${options.connections} then ${overloadConnections} connections, arguments rotate`);
  await withGateway(
    ctx,
    'overload',
    async (gw) => {
      warn(await prime(gw.url, rotation, options.connections), `${op.name} overload priming`);
      warn(await warmUp(gw.url, rotation, 20), `${op.name} overload warm-up`);
      const result = await measureOverload(gw, demo.urls.catalog, op.name, rotation, options.connections, options.durationS);
      log(progressLine(result.saturation));
      log(progressLine(result.overload));
      log(`  admitted ${result.overload.load.admitted}, shed ${result.overload.load.statusCodes['503'] ?? 0}; gateway ${result.alive ? 'alive' : 'DOWN'}; /readyz recovered ${result.recoveredAfterMs === null ? 'NOT' : `after ${result.recoveredAfterMs.toFixed(0)} ms`}`);
      ctx.overload = result;
    },
    { SHED_MAX_IN_FLIGHT: String(options.connections) },
  );
  log('  the same 4× load on a gateway with the default bounds (nothing shed):');
  await withGateway(ctx, 'overload', async (gw) => {
    warn(await prime(gw.url, rotation, options.connections), `${op.name} overload priming`);
    warn(await warmUp(gw.url, rotation, 20), `${op.name} overload warm-up`);
    const unbounded = await measureGatewayRun(gw, demo.urls.catalog, op.name, 'overload', rotation, overloadConnections, options.durationS);
    log(progressLine(unbounded));
    if (ctx.overload) ctx.overload.unbounded = unbounded;
  });
}

/** Announces a side-by-side scenario (sideBySide.ts); false, saying so, when none of its operations is benchmarked. */
function announce(scenario: string, names: readonly string[], plan: SideBySidePlan, sides: string): boolean {
  if (plan.operations.length === 0) {
    phase(`${scenario}: skipped (none of ${names.join(', ')} is benchmarked)`);
    return false;
  }
  phase(`${scenario}: warm gateways, ${sides}; ${plan.pairs} interleaved off/on pairs of ${plan.durationS} s per operation (${plan.operations.map((op) => op.name).join(', ')})`);
  return true;
}

/** Per operation, interleaved runs on a warm gateway with every protection off and one with them on. */
async function protectionsPhase(ctx: Context): Promise<void> {
  const plan = sideBySidePlan(ctx.ops, ctx.options, PROTECTIONS_OPERATIONS);
  if (!announce('protections', PROTECTIONS_OPERATIONS, plan, 'every protection off vs the production defaults with budgets charged')) return;
  await withGateway(
    ctx,
    'protections-off',
    (off) =>
      withGateway(
        ctx,
        'protections-on',
        async (on) => {
          ctx.protections = await measureProtections({ off, on }, ctx.demo.urls.catalog, plan, (op) => exampleRotation(op, ctx.token), log);
        },
        PROTECTIONS_ENV.on,
      ),
    PROTECTIONS_ENV.off,
  );
}

/** Per operation, interleaved runs on a warm gateway with tracing off and one with every request traced; then a profiled tracing-off gateway. */
async function tracingPhase(ctx: Context): Promise<void> {
  const plan = sideBySidePlan(ctx.ops, ctx.options, TRACING_OPERATIONS);
  if (!announce('tracing', TRACING_OPERATIONS, plan, "no OTLP endpoint vs every request traced and exported to the bench's span sink")) return;
  const launch = (scenario: Scenario, env: NodeJS.ProcessEnv, body: (gw: GatewayProcess) => Promise<void>, nodeFlags?: readonly string[]) => withGateway(ctx, scenario, body, env, nodeFlags);
  ctx.tracing = await measureTracing(launch, ctx.root, ctx.demo.urls.catalog, plan, (op) => exampleRotation(op, ctx.token), log, ctx.tmp);
}

async function main(): Promise<void> {
  let options: BenchOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    if (error.message) process.stderr.write(`${error.message}\n`);
    process.stderr.write(`${USAGE}\n`);
    process.exit(error.message ? 2 : 0);
  }
  const startedAt = new Date();
  const t0 = performance.now();
  const root = projectRoot();
  const machine = machineInfo(root);
  const ops = loadOperations(root, options.only);

  log('storefront BFF gateway benchmark');
  log(`machine: ${describeMachine(machine)}`);
  log(
    `flags:   --latency ${options.latencyMs} --connections ${options.connections} --duration ${options.durationS} --soak ${options.soakS} --pairs ${options.pairs} --out ${options.out}` +
      `${options.only ? ` --only ${options.only.join(',')}` : ''}${options.quick ? ' --quick' : ''}`,
  );
  log(`redis:   ${process.env.REDIS_URL ? process.env.REDIS_URL : 'REDIS_URL unset: the gateway caches in-process only'}`);
  log(`operations: ${ops.map((o) => o.name).join(', ')}`);

  const cachePrefix = `bench:${startedAt.getTime()}:`;
  const tmp = mkdtempSync(join(tmpdir(), 'bff-bench-'));
  try {
    phase(`demo services: --latency ${options.latencyMs}`);
    const demo = await startDemo(root, options.latencyMs);
    log(`  demo pid ${demo.proc.pid}: ${Object.values(demo.urls).join(' ')}`);
    const inputs = await prepareColdInputs(demo.urls, options.latencyMs);
    log(
      `  cold rotation: ${inputs.productIds.length} products (${inputs.excluded.productsWithoutReviews} without reviews left out), ${inputs.categoryIds.length} categories, ` +
        `${inputs.searchWords.length} search words, ${inputs.users.length} users with orders (${inputs.excluded.usersWithoutOrders} without left out), one token each`,
    );
    const ctx: Context = {
      root,
      options,
      ops,
      demo,
      inputs,
      token: await exampleToken(),
      cachePrefix,
      results: new Map(ops.map((op) => [op.name, operationResult(op, options.latencyMs)])),
      coldRotations: new Map(ops.map((op) => [op.name, coldRotation(op, inputs)])),
      soaks: [],
      overload: null,
      protections: null,
      tracing: null,
      plans: new Map(),
      tmp,
    };

    await coldPhase(ctx);
    await coldZeroPhase(ctx);
    await cachedPhase(ctx, 'warm');
    await cachedPhase(ctx, 'cached');
    await overloadPhase(ctx);
    await protectionsPhase(ctx);
    await tracingPhase(ctx);
    await stopProcess(demo.proc);

    const finishedAt = new Date();
    const partial = {
      operations: [...ctx.results.values()],
      soaks: ctx.soaks,
      overload: ctx.overload,
      protections: ctx.protections,
      tracing: ctx.tracing,
    };
    const results: BenchResults = {
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      wallSeconds: (performance.now() - t0) / 1000,
      options,
      machine,
      redis: process.env.REDIS_URL ?? null,
      cachePrefix: process.env.REDIS_URL ? cachePrefix : null,
      coldInputs: { products: inputs.productIds.length, categories: inputs.categoryIds.length, searchWords: inputs.searchWords.length, users: inputs.users.length, excluded: inputs.excluded },
      ...partial,
      targets: evaluateTargets(partial),
    };
    const table = markdown(results);
    const outDir = resolve(process.cwd(), options.out);
    const written = writeOutputs(outDir, results, table);
    phase('results');
    log('');
    log(tables(results));
    log(`raw numbers: ${written.json}`);
    log(`table:       ${written.md}`);
    if (!options.quick && !options.only) {
      updateReadme(join(root, 'bench', 'README.md'), table);
      log('bench/README.md: results section updated');
    }
    log('');
    log('targets:');
    for (const t of results.targets) log(t.line);
    const failed = results.targets.filter((t) => !t.pass).length;
    log(`\n${results.targets.length - failed} of ${results.targets.length} targets met (a measurement: exit code 0 either way). ${((performance.now() - t0) / 60000).toFixed(1)} min.`);
  } finally {
    await stopAll();
    rmSync(tmp, { recursive: true, force: true });
  }
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write(`\n${signal}: stopping the load and every process the benchmark started…\n`);
    stopActiveLoads();
    void stopAll().finally(() => process.exit(130));
  });
}

main().then(
  () => process.exit(0),
  async (error: unknown) => {
    process.stderr.write(`\nbenchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    await stopAll();
    process.exit(1);
  },
);
