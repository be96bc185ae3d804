/**
 * Ports for the few test servers that cannot listen on port 0 and tell us
 * which port they got, and an address that always refuses.
 *
 * Why not "bind 0, close, reuse": between the close and the reuse, any other
 * suite's server listening on port 0 may be handed the same port (CI runs two
 * jest workers). So servers that need a fixed port (a redis-server, a demo
 * service asked for a port, a Redis Cluster node and its bus port at
 * +10000) get one from below the kernel's ephemeral range, which port-0
 * listeners never receive, in a band of its own per jest worker, never handed
 * out twice by one process. A port something else holds is skipped.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Nothing listens on port 1 (binding it needs root, and nothing here does): connecting is refused at once. */
export const REFUSING_URL = 'http://127.0.0.1:1';

const BAND_START = 10_000;
const BAND_SIZE = 400;
/** Cluster nodes also use port + 10 000 for their bus; both stay below the ephemeral range. */
const BUS_OFFSET = 10_000;

const handedOut = new Set<number>();

function ephemeralStart(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32_768;
  } catch {
    return 32_768;
  }
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A port no port-0 listener can be given and no other test of this process
 * holds; with `bus`, port + 10 000 is free too (a Redis Cluster node).
 */
export async function reservePort(options: { bus?: boolean } = {}): Promise<number> {
  const worker = Math.max(1, Number(process.env.JEST_WORKER_ID ?? '1'));
  const start = BAND_START + ((worker - 1) % 25) * BAND_SIZE;
  const limit = ephemeralStart();
  for (let port = start; port < start + BAND_SIZE; port++) {
    if (handedOut.has(port) || port + BUS_OFFSET >= limit) continue;
    if (!(await bindable(port)) || (options.bus && !(await bindable(port + BUS_OFFSET)))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`No free port in ${start}–${start + BAND_SIZE - 1} for jest worker ${worker}.`);
}
