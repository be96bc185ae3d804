/**
 * The event bus of a fleet sharing one Redis: PUBLISH on a command
 * connection, SUBSCRIBE on a dedicated subscriber connection (a connection in
 * subscriber mode can run nothing else).
 *
 * Why fail fast: a subscription asked for while the subscriber connection is
 * down (after it was up once; a gateway just started waits up to 3 s for
 * its first connection) is refused at once (the client is told, and retries), rather than
 * promised events that cannot arrive; a publish while Redis is down fails
 * at once too (no offline queue), and the caller logs it. When the
 * subscriber connection drops after it was up, messages published meanwhile
 * are lost: `onFeedLost` listeners hear of it, so subscriptions can end with
 * an error instead of silently missing events. ioredis reconnects, and
 * subscribes again to the channels still wanted, by itself.
 *
 * This is the only file of src/subscriptions/ that knows Redis pub/sub.
 */
import Redis from 'ioredis';
import type { ChannelListener, EventBus } from './eventBus';

/** How long a subscription waits for the subscriber's first connection (a few connection attempts). */
const FIRST_CONNECTION_WAIT_MS = 3000;

export interface RedisEventBusOptions {
  url: string;
  /** Longest a PUBLISH may take before it counts as failed. */
  commandTimeoutMs: number;
}

export class RedisEventBus implements EventBus {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly channels = new Map<string, { listeners: Set<ChannelListener>; subscribed: Promise<unknown> }>();
  private readonly lostListeners: (() => void)[] = [];
  private up = false;
  private everConnected = false;

  constructor(options: RedisEventBusOptions) {
    const common = { connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: (attempt: number) => Math.min(50 * attempt, 1000) };
    this.publisher = new Redis(options.url, { ...common, commandTimeout: options.commandTimeoutMs, enableOfflineQueue: false });
    // Its queue holds the (UN)SUBSCRIBEs of a reconnection; new subscriptions are refused while it is down.
    this.subscriber = new Redis(options.url, { ...common, enableOfflineQueue: true });
    this.publisher.on('error', () => undefined);
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('message', (channel: string, message: string) => {
      const entry = this.channels.get(channel);
      if (entry) for (const listener of [...entry.listeners]) listener(message);
    });
    this.subscriber.on('ready', () => {
      this.up = true;
      this.everConnected = true;
    });
    this.subscriber.on('close', () => {
      if (!this.up) return;
      this.up = false;
      for (const listener of this.lostListeners) listener();
    });
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.publisher.publish(channel, message);
  }

  async subscribe(channel: string, listener: ChannelListener): Promise<() => void> {
    if (this.subscriber.status !== 'ready' && (this.everConnected || !(await this.firstConnection()))) {
      throw new Error('the Redis subscriber connection is not up');
    }
    let entry = this.channels.get(channel);
    if (!entry) {
      entry = { listeners: new Set(), subscribed: this.subscriber.subscribe(channel) };
      this.channels.set(channel, entry);
    }
    const current = entry;
    current.listeners.add(listener);
    const unsubscribe = () => {
      if (!current.listeners.delete(listener) || current.listeners.size > 0) return;
      if (this.channels.get(channel) === current) this.channels.delete(channel);
      void this.subscriber.unsubscribe(channel).catch(() => undefined);
    };
    try {
      await current.subscribed;
    } catch (error) {
      unsubscribe();
      throw error;
    }
    return unsubscribe;
  }

  /** A gateway just started may be asked before its subscriber is up: it waits for it, a while. */
  private firstConnection(): Promise<boolean> {
    return new Promise((resolve) => {
      const ready = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.subscriber.off('ready', ready);
        resolve(false);
      }, FIRST_CONNECTION_WAIT_MS);
      timer.unref();
      this.subscriber.once('ready', ready);
    });
  }

  onFeedLost(listener: () => void): void {
    this.lostListeners.push(listener);
  }

  async close(): Promise<void> {
    this.channels.clear();
    this.publisher.disconnect();
    this.subscriber.disconnect();
  }
}
