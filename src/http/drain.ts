/**
 * Stops a server gracefully: no new connections, idle keep-alive ones closed
 * now, the others closed as their requests finish (their responses carry
 * `Connection: close` while the instance drains), and after `timeoutMs`
 * whatever is left is closed anyway, so a stuck client cannot hold the
 * shutdown forever.
 */
import type { Server } from 'node:http';

/** Resolves `drained` once every connection has closed, or `timed out` after `timeoutMs` (then it closes them). */
export function drainServer(server: Server, timeoutMs: number): Promise<'drained' | 'timed out'> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    server.close(() => {
      clearTimeout(timer);
      resolve('drained');
    });
    server.closeIdleConnections();
    timer = setTimeout(() => {
      server.closeAllConnections();
      resolve('timed out');
    }, timeoutMs);
    timer.unref();
  });
}

/** Waits `ms` (0: not at all), without keeping the process alive for it (the server does, until it drains). */
export function pause(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms).unref()) : Promise.resolve();
}
