/**
 * A cold gateway under `valgrind --tool=callgrind`, for instruction counts
 * that do not move with the machine's noise (profileCold.ts).
 *
 * Why instructions: the machine has 2 cores shared with other sessions, so a
 * 10 % change in p50 milliseconds is within one run's noise; the number of
 * instructions the gateway executes per request is not (it moves by well
 * under 1 % between runs). Why a window: the process is started with
 * instrumentation off (`--instr-atstart=no`), so start-up, module loading and
 * the JIT warm-up are not counted; `callgrind_control -i on` switches it on
 * just before the measured requests and `-i off` right after, so the dump the
 * process writes when it exits holds exactly those requests' instructions,
 * every thread of the process included (V8's compiler and GC helpers do
 * work for the requests too), one dump per thread. Instructions ÷ requests
 * is the figure, for all threads and for the main thread alone (the event
 * loop, what a sequential request waits for); the shares of V8's GC and of
 * its optimizing compiler are given apart, since they move the most from
 * run to run (a major GC more or less in the window, and the recompilations
 * that follow it).
 *
 * JIT-compiled JavaScript has no symbols for valgrind: its functions show as
 * addresses and are summed into one `JIT-compiled JS` row; builtins and the
 * C++ runtime keep their names. The CPU profile (`--cpu-prof` mode) names the
 * JavaScript functions.
 *
 * Why not processes.ts's startGateway: it runs `node` itself, and valgrind has
 * to be the program started; the environment is the cold scenario's, as
 * there, with the downstream and request timeouts raised so that the
 * instrumented process (~50× slower) is never cut short.
 */
import { execFile, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { compiled, GATEWAY_HEAP_MB, SCENARIO_ENV, SERVICES, waitForHttp, waitForListening, type Managed, type ServiceUrls } from './processes';

const run = promisify(execFile);

export interface CallgrindGateway {
  proc: Managed;
  url: string;
  outFile: string;
  /** Where valgrind's gdbserver files are, for callgrind_control. */
  vgdbPrefix: string;
}

/** Slower under valgrind (~50×): timeouts long enough that no call is cut short and no idle connection closed by the slowness itself. */
const SLOW_PROCESS_ENV: NodeJS.ProcessEnv = { DOWNSTREAM_TIMEOUT_MS: '60000', REQUEST_TIMEOUT_MS: '120000', SHED_EVENT_LOOP_DELAY_MS: '600000', KEEP_ALIVE_TIMEOUT_MS: '600000' };

/** What valgrind names its gdbserver files after (no USER: the child has none). */
const GATEWAY_IDENTITY = { HOST: '127.0.0.1' };

export async function startCallgrindGateway(root: string, services: ServiceUrls, dir: string): Promise<CallgrindGateway> {
  const script = compiled(root, 'src/main.js');
  const outFile = join(dir, 'callgrind.out');
  const vgdbPrefix = join(dir, 'vgdb');
  // startGateway's environment for the cold scenario (CATALOG_URL … RECOMMENDATIONS_URL from `services`).
  const urls = Object.fromEntries(SERVICES.map((service) => [`${service.toUpperCase()}_URL`, services[service]]));
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', PORT: '0', LOG_LEVEL: 'info', SHUTDOWN_DELAY_MS: '0' };
  Object.assign(env, GATEWAY_IDENTITY, urls, SCENARIO_ENV.cold, SLOW_PROCESS_ENV);
  const flags = ['--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${outFile}`, `--vgdb-prefix=${vgdbPrefix}`, '--separate-threads=yes', '--dump-line=no'];
  const child = spawn('valgrind', [...flags, process.execPath, `--max-old-space-size=${GATEWAY_HEAP_MB}`, script], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  if (child.pid === undefined) throw new Error('could not spawn valgrind (is it installed? apt-get install valgrind)');
  let tail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-8192);
  });
  let done = false;
  child.once('exit', () => {
    done = true;
  });
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  child.once('exit', () => process.off('exit', kill));
  const proc: Managed = { name: 'gateway (cold, callgrind)', pid: child.pid, child, output: () => tail, exited: () => done || child.exitCode !== null || child.signalCode !== null };
  // Valgrind runs node in its own process: the port the OS gave is read from /proc as for any child.
  const url = `http://127.0.0.1:${await waitForListening(proc, 300_000)}`;
  await waitForHttp(`${url}/healthz`, proc, 300_000);
  return { proc, url, outFile, vgdbPrefix };
}

/**
 * Instrumentation on (`on`) or off in the running process (summarise() fails if it never was on).
 * valgrind names its gdbserver files after $USER and $HOST, and the gateway's HOST is its listen address:
 * callgrind_control must see the same two (GATEWAY_IDENTITY) to find them.
 */
export async function instrument(gw: CallgrindGateway, on: boolean): Promise<void> {
  await run('callgrind_control', [`--vgdb-prefix=${gw.vgdbPrefix}`, '-i', on ? 'on' : 'off', String(gw.proc.pid)], { env: { PATH: process.env.PATH, ...GATEWAY_IDENTITY } });
}

export interface CallgrindSummary {
  /** Instructions executed while instrumentation was on, every thread. */
  totalIr: number;
  /** Of which on the main thread (the event loop: what a request waits for). */
  mainIr: number;
  /** Of the total, in V8's garbage collector (any thread) and in its optimizing compilers (background threads mostly). */
  gcIr: number;
  compilerIr: number;
  /** The main thread's functions with most instructions of their own (JIT code as one row), at most `top`. */
  functions: { name: string; ir: number }[];
}

/** What a V8 function's name says it belongs to: the GC, the compilers, or neither. */
const GC = /Scaveng|Marking|Sweep|Evacuat|MemoryChunk|Pretenuring|BodyDescriptor|SizeFromMap|heap::|Heap::|IterateObjectCache|GCTracer|MarkCompact|RememberedSet|SlotSet|Worklist|cppgc|RootVisitor|ArrayBufferSweeper/;
const COMPILER = /compiler::|maglev::|Maglev|Zone::|baseline::|interpreter::|RegExpCompiler|internal::Parser|Scanner::/;

interface Annotated {
  total: number;
  byName: Map<string, number>;
}

async function annotate(file: string): Promise<Annotated> {
  const text = (await run('callgrind_annotate', ['--inclusive=no', '--threshold=100', '--auto=no', file], { maxBuffer: 256 * 1024 * 1024 })).stdout;
  const totals = /^\s*([\d,]+)\s+(?:\([\s\d.]+%\)\s+)?PROGRAM TOTALS/m.exec(text);
  const byName = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^\s*([\d,]+)\s+(?:\([\s\d.]+%\)\s+)?(\S.*?)(?: \[[^\]]*\])?$/.exec(line);
    if (!match || /PROGRAM TOTALS|^Ir\b/.test(match[2] as string)) continue;
    const ir = Number((match[1] as string).replace(/,/g, ''));
    const raw = match[2] as string;
    const name = /^\?\?\?:0x[0-9a-f]+('\d+)?$/i.test(raw) ? 'JIT-compiled JS (no symbols)' : raw.replace(/^\?\?\?:/, '').slice(0, 120);
    byName.set(name, (byName.get(name) ?? 0) + ir);
  }
  return { total: totals ? Number((totals[1] as string).replace(/,/g, '')) : 0, byName };
}

/** Reads the dumps the process wrote when it exited (one per thread, `--separate-threads=yes`) with `callgrind_annotate`. */
export async function summarise(outFile: string, top: number): Promise<CallgrindSummary> {
  const dir = dirname(outFile);
  const files = readdirSync(dir)
    .filter((name) => name.startsWith(`${basename(outFile)}-`))
    .sort()
    .map((name) => join(dir, name));
  const threads = await Promise.all(files.map(annotate));
  const main = threads[0];
  const totalIr = threads.reduce((sum, t) => sum + t.total, 0);
  // callgrind_control exits 0 even when it reached nobody: an empty window means it did.
  if (!main || totalIr === 0) throw new Error(`${outFile}-* counted no instructions: callgrind_control did not switch instrumentation on`);
  let gcIr = 0;
  let compilerIr = 0;
  for (const t of threads) {
    for (const [name, ir] of t.byName) {
      if (GC.test(name)) gcIr += ir;
      else if (COMPILER.test(name) && !/Json/.test(name)) compilerIr += ir;
    }
  }
  const functions = [...main.byName].map(([name, ir]) => ({ name, ir })).sort((a, b) => b.ir - a.ir).slice(0, top);
  return { totalIr, mainIr: main.total, gcIr, compilerIr, functions };
}
