/**
 * Spawning and stopping the processes under test: the demo services, the
 * gateway (compiled JS, `node dist/src/main.js`) and the bare reference server.
 *
 * Why separate processes: the gateway's CPU and memory are read from its own
 * /metrics and /proc/<pid>, so nothing else may run in it; and the demo
 * services' work must not count as gateway work. Every child is `node`
 * itself (never npm or a shell), so SIGTERM reaches the process that owns the
 * port; a child that does not exit within 5 s gets SIGKILL. Every spawned
 * child is registered, so `stopAll()` cleans up after errors and Ctrl-C, and
 * an `exit` hook SIGKILLs anything still alive as a last resort.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';

export interface Managed {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Last few KB of the child's stderr (and stdout when piped), for error messages. */
  output(): string;
  exited(): boolean;
}

const running = new Set<Managed>();

process.on('exit', () => {
  for (const m of running) if (!m.exited()) m.child.kill('SIGKILL');
});

/** Where `tsc -p tsconfig.build.json` put a compiled file; a clear error when the build is missing. */
export function compiled(root: string, relative: string): string {
  const file = join(root, 'dist', relative);
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` (or \`npm run bench\`, which builds first).`);
  return file;
}

/** `wrapper`: a command that runs node, e.g. `['valgrind', '--tool=callgrind']` (bench/profileHot.ts); none by default. */
export function spawnNode(name: string, script: string, args: string[], env: NodeJS.ProcessEnv, pipeStdout: boolean, nodeFlags: string[] = [], wrapper: readonly string[] = []): Managed {
  const [command = process.execPath, ...wrapperArgs] = wrapper;
  const child = spawn(command, [...wrapperArgs, ...(wrapper.length > 0 ? [process.execPath] : []), ...nodeFlags, script, ...args], {
    env,
    // The gateway's log goes to /dev/null ('ignore'): writing it is part of the cost, reading it is not.
    stdio: ['ignore', pipeStdout ? 'pipe' : 'ignore', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not spawn ${name}`);
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-8192);
  };
  child.stderr?.on('data', keep);
  if (pipeStdout) child.stdout?.on('data', keep);
  let done = false;
  child.once('exit', () => {
    done = true;
  });
  const managed: Managed = { name, pid: child.pid, child, output: () => tail, exited: () => done || child.exitCode !== null || child.signalCode !== null };
  running.add(managed);
  child.once('exit', () => running.delete(managed));
  return managed;
}

/** SIGTERM, then SIGKILL after 5 s; resolves once the process is gone. */
export function stopProcess(m: Managed, graceMs = 5000): Promise<void> {
  if (m.exited()) {
    running.delete(m);
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => m.child.kill('SIGKILL'), graceMs);
    m.child.once('exit', () => {
      clearTimeout(timer);
      running.delete(m);
      resolve();
    });
    m.child.kill('SIGTERM');
  });
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((m) => stopProcess(m)));
}

/**
 * The TCP port a child process listens on, read from /proc: the OS picks it
 * (the child listens on port 0), so no port is ever chosen here, closed and
 * assumed still free. The child's socket inodes (/proc/<pid>/fd) are matched
 * against the listening sockets of /proc/net/tcp; undefined until it listens.
 */
export function listeningPort(pid: number): number | undefined {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return undefined;
  }
  const inodes = new Set<string>();
  for (const fd of fds) {
    try {
      const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (link.startsWith('socket:[')) inodes.add(link.slice(8, -1));
    } catch {
      // closed meanwhile
    }
  }
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // local_address is HEXIP:HEXPORT, st 0A is LISTEN, the inode is column 10.
      if (cols[3] === '0A' && inodes.has(cols[9] as string)) return parseInt((cols[1] as string).split(':')[1] as string, 16);
    }
  }
  return undefined;
}

/** Waits until the child listens (see listeningPort); fails early, with its output, if it exits. */
export async function waitForListening(owner: Managed, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (owner.exited()) throw new Error(`${owner.name} exited before it listened:\n${owner.output()}`);
    const port = listeningPort(owner.pid);
    if (port !== undefined) return port;
    if (Date.now() > deadline) throw new Error(`${owner.name} did not listen within ${timeoutMs} ms:\n${owner.output()}`);
    await sleep(50);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `url` until it answers 200; fails early, with the child's output, if the child exits. */
export async function waitForHttp(url: string, owner: Managed, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (owner.exited()) throw new Error(`${owner.name} exited before ${url} answered:\n${owner.output()}`);
    try {
      const res = await request(url, { headersTimeout: 1000, bodyTimeout: 1000 });
      await res.body.dump();
      if (res.statusCode === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${owner.output()}`);
    await sleep(100);
  }
}

// ---------------------------------------------------------------------------
// The three kinds of process
// ---------------------------------------------------------------------------

export const SERVICES = ['catalog', 'inventory', 'reviews', 'accounts', 'orders', 'recommendations'] as const;
export type ServiceUrls = Record<(typeof SERVICES)[number], string>;

/** Only what a process needs: no stray *_URL, JWT_SECRET or DEMO_* from the caller's shell. */
function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']) if (process.env[key] !== undefined) env[key] = process.env[key];
  return env;
}

export interface DemoProcess {
  proc: Managed;
  urls: ServiceUrls;
}

/** `node dist/src/demo/main.js --latency MS --base-port N`; resolves when all six /healthz answer. */
export async function startDemo(root: string, latencyMs: number): Promise<DemoProcess> {
  const script = compiled(root, 'src/demo/main.js');
  // Every service on port 0: the OS picks, and the demo prints the URLs it got.
  const proc = spawnNode('demo services', script, ['--latency', String(latencyMs), ...SERVICES.flatMap((s) => [`--${s}-port`, '0'])], baseEnv(), true);
  const urls = await new Promise<ServiceUrls>((resolve, reject) => {
    const found: Partial<ServiceUrls> = {};
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      for (const match of buffered.matchAll(/^([A-Z]+)_URL=(\S+)$/gm)) {
        const name = (match[1] as string).toLowerCase() as keyof ServiceUrls;
        if ((SERVICES as readonly string[]).includes(name)) found[name] = match[2] as string;
      }
      if (SERVICES.every((s) => found[s])) {
        proc.child.stdout?.off('data', onData);
        proc.child.off('exit', onExit);
        resolve(found as ServiceUrls);
      }
    };
    const onExit = () => reject(new Error(`the demo services exited before printing their URLs:\n${proc.output()}`));
    proc.child.stdout?.on('data', onData);
    proc.child.once('exit', onExit);
  });
  proc.child.stdout?.resume(); // keep draining whatever else it prints
  for (const service of SERVICES) await waitForHttp(`${urls[service]}/healthz`, proc);
  return { proc, urls };
}

export type Scenario = 'cold' | 'warm' | 'cached' | 'overload' | 'protections-off' | 'protections-on' | 'tracing-off' | 'tracing-on' | 'tracing-profiled';

/**
 * Cache switches per scenario: cold = nothing cached, warm = entity cache, cached = entity + response
 * cache; overload = the cold gateway (its shedding bound is given by the caller; overload.ts says why cold);
 * protections-off/-on = the warm gateway (its protection settings are given by the caller, protections.ts);
 * tracing-off/-on/-profiled = the warm gateway (its tracing settings and node flags are given by the caller, tracing.ts).
 */
export const SCENARIO_ENV: Record<Scenario, { ENTITY_CACHE: string; RESPONSE_CACHE: string }> = {
  cold: { ENTITY_CACHE: 'false', RESPONSE_CACHE: 'false' },
  warm: { ENTITY_CACHE: 'true', RESPONSE_CACHE: 'false' },
  cached: { ENTITY_CACHE: 'true', RESPONSE_CACHE: 'true' },
  overload: { ENTITY_CACHE: 'false', RESPONSE_CACHE: 'false' },
  'protections-off': { ENTITY_CACHE: 'true', RESPONSE_CACHE: 'false' },
  'protections-on': { ENTITY_CACHE: 'true', RESPONSE_CACHE: 'false' },
  'tracing-off': { ENTITY_CACHE: 'true', RESPONSE_CACHE: 'false' },
  'tracing-on': { ENTITY_CACHE: 'true', RESPONSE_CACHE: 'false' },
  'tracing-profiled': { ENTITY_CACHE: 'true', RESPONSE_CACHE: 'false' },
};

export interface GatewayProcess {
  proc: Managed;
  url: string;
  scenario: Scenario;
}

/** The V8 old-space budget of the gateway, in MB: the default of `npm start`, or GATEWAY_HEAP_MB. */
export const GATEWAY_HEAP_MB = process.env.GATEWAY_HEAP_MB || '192';

/** How a gateway is launched, beyond its settings (bench/profileHot.ts runs it under valgrind). */
export interface LaunchOptions {
  /** A command that runs node (spawnNode's `wrapper`); none by default. */
  wrapper?: readonly string[];
  /**
   * How long the gateway may take to listen, and then to answer /healthz, after the spawn, in ms.
   * Default 30,000. It listens on port 0 in every case: the OS picks, the bench reads the port back.
   */
  startTimeoutMs?: number;
}

/**
 * `extraEnv`: settings of this scenario only (e.g. the overload run's SHED_MAX_IN_FLIGHT, the protections' bounds);
 * `nodeFlags`: node's own flags before the script, after the heap budget (e.g. the tracing scenario's --cpu-prof).
 */
export async function startGateway(
  root: string,
  scenario: Scenario,
  services: ServiceUrls,
  cachePrefix: string,
  extraEnv: NodeJS.ProcessEnv = {},
  nodeFlags: readonly string[] = [],
  launch: LaunchOptions = {},
): Promise<GatewayProcess> {
  const script = compiled(root, 'src/main.js');
  const env: NodeJS.ProcessEnv = {
    ...baseEnv(),
    NODE_ENV: 'production',
    PORT: '0', // the OS picks; read back from /proc (listeningPort)
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    CATALOG_URL: services.catalog,
    INVENTORY_URL: services.inventory,
    REVIEWS_URL: services.reviews,
    ACCOUNTS_URL: services.accounts,
    ORDERS_URL: services.orders,
    RECOMMENDATIONS_URL: services.recommendations,
    // The bench stops a gateway once its runs are over, with nothing routed to it: the production delay
    // for the load balancer (5 s) would only hold every stop until stopProcess's SIGKILL, and a killed
    // gateway never finishes its shutdown (a traced one would never flush its last spans, a profiled
    // one never write its profile).
    SHUTDOWN_DELAY_MS: '0',
    ...SCENARIO_ENV[scenario],
    ...extraEnv,
  };
  if (process.env.REDIS_URL) {
    env.REDIS_URL = process.env.REDIS_URL;
    env.CACHE_PREFIX = `${cachePrefix}${scenario}:`;
  }
  // Started exactly as `npm start` starts it: with the same heap budget (package.json, GATEWAY_HEAP_MB).
  const proc = spawnNode(`gateway (${scenario})`, script, [], env, false, [`--max-old-space-size=${GATEWAY_HEAP_MB}`, ...nodeFlags], launch.wrapper);
  const url = `http://127.0.0.1:${await waitForListening(proc, launch.startTimeoutMs)}`;
  await waitForHttp(`${url}/healthz`, proc, launch.startTimeoutMs);
  return { proc, url, scenario };
}

export interface BareProcess {
  proc: Managed;
  url: string;
}

/** The reference: `node dist/bench/bareServer.js` answering `bodyFile`'s bytes to every request. */
export async function startBareServer(root: string, bodyFile: string, contentType: string): Promise<BareProcess> {
  const script = compiled(root, 'bench/bareServer.js');
  const proc = spawnNode('bare server', script, ['--port', '0', '--body-file', bodyFile, '--content-type', contentType], baseEnv(), false);
  const url = `http://127.0.0.1:${await waitForListening(proc)}`;
  await waitForHttp(`${url}/healthz`, proc);
  return { proc, url };
}
