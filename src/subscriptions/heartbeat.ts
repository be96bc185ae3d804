/**
 * Drops dead peers: every interval the server pings each socket (a
 * WebSocket ping frame, which browsers and the ws client answer by
 * themselves), and a socket that has not answered the previous ping by the
 * next one is terminated. A peer that vanished without a close (a phone
 * that lost its network, a crashed proxy) so holds its socket and its
 * subscriptions for two intervals at most, never for hours.
 *
 * One timer for every socket of the instance, not one per socket.
 */
import type { WebSocket } from 'ws';
import { every, type TimerHandle, type Timers } from './timers';

export class Heartbeat {
  /** Socket → waiting for the answer to its last ping. */
  private readonly sockets = new Map<WebSocket, boolean>();
  private timer: TimerHandle | null = null;

  /** @param intervalMs 0 turns pings off */
  constructor(
    private readonly timers: Timers,
    private readonly intervalMs: number,
    private readonly onDead: () => void,
  ) {}

  watch(socket: WebSocket): void {
    this.sockets.set(socket, false);
    socket.on('pong', () => {
      if (this.sockets.has(socket)) this.sockets.set(socket, false);
    });
    socket.once('close', () => this.sockets.delete(socket));
    if (this.intervalMs > 0) this.timer ??= every(this.timers, this.intervalMs, () => this.beat());
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  private beat(): void {
    for (const [socket, waiting] of this.sockets) {
      if (waiting) {
        this.sockets.delete(socket);
        this.onDead();
        socket.terminate();
        continue;
      }
      this.sockets.set(socket, true);
      socket.ping();
    }
  }
}
