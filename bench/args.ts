/**
 * The benchmark's command-line flags, with their documented defaults.
 *
 * Why its own file: `run.ts` stays orchestration only, and the usage text
 * printed by `--help` sits next to the parser it describes.
 */
import { OPERATION_NAMES } from './operations';

export interface BenchOptions {
  /** Latency of every demo service response, in ms (the demo's `--latency`). */
  latencyMs: number;
  /** autocannon connections of the concurrent runs (the latency runs use 1). */
  connections: number;
  /** Seconds per measured run. */
  durationS: number;
  /** Seconds per memory soak run (each soaked gateway runs two in a row). */
  soakS: number;
  /** Directory for `<timestamp>.json` and `latest.md`. */
  out: string;
  /** Only these operations (all six queries when null). */
  only: string[] | null;
  /** Off/on pairs per operation in the protections and tracing scenarios (protections.ts, tracing.ts). */
  pairs: number;
  /** Smoke run: `--duration 2 --soak 10 --pairs 2`; never rewrites bench/README.md. */
  quick: boolean;
}

export const USAGE = `usage: npm run bench -- [flags]
  --latency MS        latency of every demo service response (default 20)
  --connections N     connections of the concurrent runs (default 32; latency runs use 1)
  --duration S        seconds per run (default 5)
  --soak S            seconds per memory soak run, two per soaked gateway (default 60)
  --out DIR           where <timestamp>.json and latest.md go (default bench/results)
  --only A,B          only these operations (WebProductPage, WebCategoryListing, WebAccountOrders,
                      MobileHome, MobileProduct, MobileSearch)
  --pairs N           off/on pairs per operation in the protections and tracing scenarios (default 5)
  --quick             smoke run: --duration 2 --soak 10 --pairs 2 (explicit flags still win); README untouched`;

export class UsageError extends Error {}

function positive(flag: string, raw: string | undefined, integer: boolean): number {
  const value = Number(raw);
  if (raw === undefined || raw.trim() === '' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new UsageError(`${flag} takes a positive ${integer ? 'integer' : 'number'}; received ${JSON.stringify(raw ?? '')}`);
  }
  return value;
}

export function parseArgs(argv: readonly string[]): BenchOptions {
  const explicit: Partial<BenchOptions> = {};
  let quick = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string | undefined => (eq > 0 ? arg.slice(eq + 1) : argv[++i]);
    switch (flag) {
      case '--latency': {
        const raw = value();
        const ms = Number(raw);
        if (raw === undefined || raw.trim() === '' || !Number.isFinite(ms) || ms < 0) throw new UsageError(`--latency takes a number ≥ 0; received ${JSON.stringify(raw ?? '')}`);
        explicit.latencyMs = ms;
        break;
      }
      case '--connections':
        explicit.connections = positive(flag, value(), true);
        break;
      case '--duration':
        explicit.durationS = positive(flag, value(), false);
        break;
      case '--soak':
        explicit.soakS = positive(flag, value(), false);
        break;
      case '--out': {
        const dir = value();
        if (!dir) throw new UsageError('--out takes a directory');
        explicit.out = dir;
        break;
      }
      case '--only': {
        const list = (value() ?? '').split(',').map((s) => s.trim()).filter(Boolean);
        if (list.length === 0) throw new UsageError('--only takes a comma-separated list of operation names');
        const unknown = list.filter((n) => !(OPERATION_NAMES as readonly string[]).includes(n));
        if (unknown.length > 0) throw new UsageError(`--only: unknown operation ${unknown.join(', ')}`);
        explicit.only = list;
        break;
      }
      case '--pairs':
        explicit.pairs = positive(flag, value(), true);
        break;
      case '--quick':
        quick = true;
        break;
      case '--help':
      case '-h':
        throw new UsageError('');
      default:
        throw new UsageError(`unknown argument ${arg}`);
    }
  }
  return {
    latencyMs: explicit.latencyMs ?? 20,
    connections: explicit.connections ?? 32,
    durationS: explicit.durationS ?? (quick ? 2 : 5),
    soakS: explicit.soakS ?? (quick ? 10 : 60),
    out: explicit.out ?? 'bench/results',
    only: explicit.only ?? null,
    pairs: explicit.pairs ?? (quick ? 2 : 5),
    quick,
  };
}
