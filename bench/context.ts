/**
 * What every phase of run.ts works with: the run's context, the console
 * lines, and a gateway that lives exactly as long as the phase's body.
 *
 * Why its own file: run.ts stays the order of the phases, and each phase
 * starts and stops its gateways the same way (one place that says why a
 * gateway died when a run fails).
 */
import type { BenchOptions } from './args';
import type { Rotation } from './load';
import type { SoakResult } from './memory';
import type { OverloadResult } from './overload';
import type { OperationSpec } from './operations';
import type { CallPlan } from './plainClient';
import { startGateway, stopProcess, type DemoProcess, type GatewayProcess, type Scenario } from './processes';
import type { ProtectionsResult } from './protections';
import type { OperationResult } from './report';
import type { ColdInputs } from './rotation';
import type { TracingResult } from './tracing';

export const log = (line: string) => process.stdout.write(`${line}\n`);
const stamp = () => new Date().toISOString().slice(11, 19);
export const phase = (text: string) => log(`\n[${stamp()}] ${text}`);

export interface Context {
  root: string;
  options: BenchOptions;
  ops: OperationSpec[];
  demo: DemoProcess;
  inputs: ColdInputs;
  token: string;
  cachePrefix: string;
  results: Map<string, OperationResult>;
  coldRotations: Map<string, Rotation>;
  soaks: SoakResult[];
  overload: OverloadResult | null;
  protections: ProtectionsResult | null;
  tracing: TracingResult | null;
  /** Each operation's recorded downstream calls (plainClient.ts), replayed by the plain client. */
  plans: Map<string, CallPlan[]>;
  tmp: string;
}

export async function withGateway(ctx: Context, scenario: Scenario, body: (gw: GatewayProcess) => Promise<void>, extraEnv: NodeJS.ProcessEnv = {}, nodeFlags: readonly string[] = []): Promise<void> {
  const gw = await startGateway(ctx.root, scenario, ctx.demo.urls, ctx.cachePrefix, extraEnv, nodeFlags);
  log(`  gateway pid ${gw.proc.pid} at ${gw.url} (${scenario})`);
  try {
    await body(gw);
  } catch (error) {
    // A gateway that died mid-run shows up as a failed scrape; say why it died.
    if (gw.proc.exited()) throw new Error(`${error instanceof Error ? error.message : String(error)}\n${gw.proc.name} exited (code ${gw.proc.child.exitCode}, signal ${gw.proc.child.signalCode}):\n${gw.proc.output()}`);
    throw error;
  } finally {
    await stopProcess(gw.proc);
  }
}

export function warn(problem: string | null, what: string): void {
  if (problem) log(`  ! ${what}: ${problem}`);
}
