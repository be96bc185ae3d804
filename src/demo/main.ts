/**
 * `npm run services`: the six demo services as a standalone process.
 *
 * Why a separate process: the benchmark must not measure the demo services'
 * work as gateway work, and a developer may want to point a gateway (or curl)
 * at stable ports. The printed `*_URL=` lines can be pasted into the
 * gateway's environment as they are.
 *
 * Usage: tsx src/demo/main.ts [--host H] [--latency MS] [--failure-rate R]
 *          [--malformed-rate R] [--seed N] [--<service>-port N] [--base-port N]
 * Ports default to catalog 4101, inventory 4102, reviews 4103, accounts 4104,
 * orders 4105, recommendations 4106; `--base-port N` shifts them all (N,
 * N+1, …), `CATALOG_PORT`-style environment variables and `--catalog-port`
 * style flags set one. `DEMO_HOST`, `DEMO_LATENCY_MS`, `DEMO_FAILURE_RATE`,
 * `DEMO_MALFORMED_RATE` and `DEMO_SEED` are read as well; flags win.
 */

import { SERVICE_NAMES, type ServiceName } from '../contract/services';
import { startDemoServices, type DemoKnobs } from './index';

export const DEFAULT_PORTS: Record<ServiceName, number> = {
  catalog: 4101,
  inventory: 4102,
  reviews: 4103,
  accounts: 4104,
  orders: 4105,
  recommendations: 4106,
};

const USAGE = `usage: tsx src/demo/main.ts [--host H] [--latency MS] [--failure-rate R] [--malformed-rate R]
                              [--seed N] [--base-port N] [--catalog-port N] … [--recommendations-port N]`;

interface Config {
  host: string;
  ports: Record<ServiceName, number>;
  knobs: Partial<DemoKnobs>;
  seed?: number;
}

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function number(name: string, raw: string | undefined, min: number, max: number): number {
  const value = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) fail(`${name} must be a number from ${min} to ${max}, got ${raw ?? 'nothing'}`);
  return value;
}

export function parseConfig(argv: readonly string[], env: NodeJS.ProcessEnv): Config {
  const config: Config = { host: env.DEMO_HOST ?? '127.0.0.1', ports: { ...DEFAULT_PORTS }, knobs: {} };
  for (const name of SERVICE_NAMES) {
    const raw = env[`${name.toUpperCase()}_PORT`];
    if (raw !== undefined) config.ports[name] = number(`${name.toUpperCase()}_PORT`, raw, 0, 65535);
  }
  if (env.DEMO_LATENCY_MS !== undefined) config.knobs.latencyMs = number('DEMO_LATENCY_MS', env.DEMO_LATENCY_MS, 0, 600_000);
  if (env.DEMO_FAILURE_RATE !== undefined) config.knobs.failureRate = number('DEMO_FAILURE_RATE', env.DEMO_FAILURE_RATE, 0, 1);
  if (env.DEMO_MALFORMED_RATE !== undefined) config.knobs.malformedRate = number('DEMO_MALFORMED_RATE', env.DEMO_MALFORMED_RATE, 0, 1);
  if (env.DEMO_SEED !== undefined) config.seed = number('DEMO_SEED', env.DEMO_SEED, 0, 2 ** 32 - 1);

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => inline ?? argv[++i] ?? fail(`${flag} needs a value`);
    if (flag === '--help' || flag === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else if (flag === '--host') config.host = value();
    else if (flag === '--latency') config.knobs.latencyMs = number(flag, value(), 0, 600_000);
    else if (flag === '--failure-rate') config.knobs.failureRate = number(flag, value(), 0, 1);
    else if (flag === '--malformed-rate') config.knobs.malformedRate = number(flag, value(), 0, 1);
    else if (flag === '--seed') config.seed = number(flag, value(), 0, 2 ** 32 - 1);
    else if (flag === '--base-port') {
      const base = number(flag, value(), 1, 65535 - SERVICE_NAMES.length);
      SERVICE_NAMES.forEach((name, k) => (config.ports[name] = base + k));
    } else {
      const service = SERVICE_NAMES.find((name) => flag === `--${name}-port`);
      if (!service) fail(`unknown argument ${arg}`);
      config.ports[service] = number(flag, value(), 0, 65535);
    }
  }
  return config;
}

async function main(): Promise<void> {
  const config = parseConfig(process.argv.slice(2), process.env);
  const services = await startDemoServices({ host: config.host, ports: config.ports, knobs: config.knobs, seed: config.seed });
  for (const name of SERVICE_NAMES) process.stdout.write(`${name.toUpperCase()}_URL=${services.urls[name]}\n`);
  const knobs = services.getKnobs('catalog');
  process.stderr.write(
    `demo services ready (latency ${knobs.latencyMs} ms, failure rate ${knobs.failureRate}, malformed rate ${knobs.malformedRate}); ` +
      'control routes: /__demo/knobs, /__demo/requests; Ctrl-C to stop\n',
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: closing demo services\n`);
    services.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`demo services failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
