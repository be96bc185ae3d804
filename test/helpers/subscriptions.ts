/**
 * Subscriptions for tests: a manual clock the gateway's timers run on, a
 * graphql-ws client over `ws` (what a Node app would use), and a raw
 * protocol client for what a well-behaved client never does (a bad token,
 * a client that never reads, one that ignores pings).
 */
import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import type { TimerHandle, Timers } from '../../src/subscriptions/timers';
import { waitFor } from './redis';

/**
 * Timers that run only when the test advances the clock. `advance` runs every
 * timer due by then, in order, and waits for what each returns (a poller's
 * run), so a test knows that interval's work is done. It starts at the real
 * time, which the tokens' `exp` and Redis scores are compared with.
 */
export class ManualTimers implements Timers {
  private time = Date.now();
  private readonly pending: { at: number; seq: number; fn: () => void | Promise<void>; cancelled: boolean }[] = [];
  private seq = 0;

  now(): number {
    return this.time;
  }

  after(ms: number, fn: () => void | Promise<void>): TimerHandle {
    const timer = { at: this.time + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.pending.push(timer);
    return { cancel: () => (timer.cancelled = true) };
  }

  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      const due = this.pending.filter((t) => !t.cancelled && t.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.pending.splice(this.pending.indexOf(due), 1);
      this.time = Math.max(this.time, due.at);
      await due.fn();
    }
    this.time = end;
  }
}

export function wsUrl(httpUrl: string, frontend: 'web' | 'mobile'): string {
  return `${httpUrl.replace(/^http/, 'ws')}/graphql/${frontend}`;
}

/** A graphql-ws client (no retries, connected at once); `token` signs it in. */
export function liveClient(httpUrl: string, frontend: 'web' | 'mobile', token?: string): Client & { closes: { code: number; reason: string }[] } {
  const closes: { code: number; reason: string }[] = [];
  const client = createClient({
    url: wsUrl(httpUrl, frontend),
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    on: { closed: (event) => closes.push({ code: (event as { code: number }).code, reason: String((event as { reason: unknown }).reason) }) },
    onNonLazyError: () => undefined,
  });
  return Object.assign(client, { closes });
}

/** A subscription's results as they come. */
export interface Received<T = Record<string, any>> {
  results: FormattedExecutionResult<T, unknown>[];
  errors: unknown[];
  completed: boolean;
  /** Each result's arrival time (performance.now()). */
  times: number[];
  stop(): void;
}

export function subscribe<T = Record<string, any>>(client: Client, query: string, variables?: Record<string, unknown>): Received<T> {
  const received: Received<T> = { results: [], errors: [], completed: false, times: [], stop: () => undefined };
  received.stop = client.subscribe<T>(
    { query, ...(variables ? { variables } : {}) },
    {
      next: (result) => {
        received.times.push(performance.now());
        received.results.push(result);
      },
      error: (error) => received.errors.push(error),
      complete: () => (received.completed = true),
    },
  );
  return received;
}

/** A protocol client by hand: every message it receives, its close, and sockets it may pause. */
export class RawClient {
  readonly messages: Record<string, any>[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly socket: WebSocket;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data) => this.messages.push(JSON.parse(String(data))));
    this.closed = new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
  }

  /** Opens a socket; `headers` e.g. an Origin; `autoPong: false` leaves the server's pings unanswered. */
  static async open(url: string, options: { headers?: Record<string, string>; autoPong?: boolean; protocol?: string } = {}): Promise<RawClient> {
    const socket = new WebSocket(url, options.protocol ?? 'graphql-transport-ws', { headers: options.headers, autoPong: options.autoPong ?? true });
    const client = new RawClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  /** The HTTP answer to an upgrade the gateway refuses. */
  static refusal(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, 'graphql-transport-ws', { headers });
      socket.once('open', () => reject(new Error('the upgrade was accepted')));
      socket.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      socket.once('error', () => undefined);
    });
  }

  send(message: Record<string, unknown>): void {
    this.socket.send(JSON.stringify(message));
  }

  /** Sends connection_init and waits for the ack. */
  async init(payload?: Record<string, unknown>): Promise<void> {
    this.send({ type: 'connection_init', ...(payload ? { payload } : {}) });
    await this.next((m) => m.type === 'connection_ack');
  }

  /** Waits for the first message (received so far or later) that matches. */
  async next(match: (message: Record<string, any>) => boolean, what = 'a message'): Promise<Record<string, any>> {
    let found: Record<string, any> | undefined;
    await waitFor(() => (found = this.messages.find(match)) !== undefined, what);
    return found as Record<string, any>;
  }

  close(): void {
    this.socket.terminate();
  }
}

/**
 * Subscribes over `client` until the gateway runs the subscription
 * (`running()` turns true): each attempt, `<idPrefix><n>`, either runs or
 * is refused (the live feed not back yet), and then the next one goes.
 */
export async function subscribeUntilRunning(client: RawClient, running: () => boolean, payload: Record<string, unknown>, idPrefix: string, what: string, timeoutMs = 20_000): Promise<void> {
  let attempt = 0;
  await waitFor(async () => {
    if (running()) return true;
    const id = `${idPrefix}${attempt++}`;
    client.send({ id, type: 'subscribe', payload });
    await waitFor(() => running() || client.messages.some((m) => m.id === id), 'an answer');
    return running();
  }, what, timeoutMs);
}
