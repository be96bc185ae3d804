/**
 * The event bus of a fleet sharing Redis: PUBLISH and SUBSCRIBE on one Redis,
 * sharded pub/sub (SPUBLISH, SSUBSCRIBE on the master of each channel's
 * slot) on a Redis Cluster; redis/channelFeed.ts keeps the subscriber
 * connections.
 *
 * Why fail fast: a subscription asked for while the feed is down (after it
 * was up once; a gateway just started waits up to 3 s for its first
 * connection; on a cluster, down while any master's subscriber connection
 * is) is refused at once (the client is told, and retries), rather than
 * promised events that cannot arrive; a publish while Redis is down waits
 * for the publishing connection at most PUBLISHER_WAIT_MS (no offline
 * queue), then fails, and the caller logs it. When a subscriber
 * connection carrying channels drops after it was up, or channels move to
 * another node, messages published meanwhile are lost: `onFeedLost`
 * listeners hear of it, so subscriptions can end with an error instead of
 * silently missing events. The feed reconnects, and subscribes again to the
 * channels still wanted, by itself.
 *
 * This is the only file of src/subscriptions/ that knows Redis pub/sub.
 */
import { createFeed, publish, type ChannelFeed } from '../redis/channelFeed';
import { createClient, isReady, onReady, type RedisClient, type RedisTarget } from '../redis/connection';
import { Waiters } from '../redis/waiters';
import type { ChannelListener, EventBus } from './eventBus';

/** How long a subscription waits for the subscriber's first connection (a few connection attempts). */
const FIRST_CONNECTION_WAIT_MS = 3000;
/**
 * How long a publish waits for the publishing connection when it is not
 * ready: more than one reconnection attempt of its back-off (at most 1 s),
 * so an event published just after Redis came back is not lost.
 */
const PUBLISHER_WAIT_MS = 2000;

export interface RedisEventBusOptions {
  /** REDIS_URL and REDIS_CLUSTER. */
  target: RedisTarget;
  /** Longest a PUBLISH may take before it counts as failed. */
  commandTimeoutMs: number;
}

export class RedisEventBus implements EventBus {
  private readonly publisher: RedisClient;
  private readonly feed: ChannelFeed;
  private readonly channels = new Map<string, { listeners: Set<ChannelListener>; subscribed: Promise<unknown> }>();
  /** Publishes waiting for the publishing connection to be ready again. */
  private readonly publisherWaiters = new Waiters();

  constructor(options: RedisEventBusOptions) {
    this.publisher = createClient(options.target, { commandTimeoutMs: options.commandTimeoutMs });
    this.publisher.on('error', () => undefined);
    onReady(this.publisher, () => this.publisherWaiters.wake());
    this.feed = createFeed(options.target, this.publisher);
    this.feed.onMessage((channel, message) => {
      const entry = this.channels.get(channel);
      if (entry) for (const listener of [...entry.listeners]) listener(message);
    });
  }

  get up(): boolean {
    return this.feed.up;
  }

  /** The publishing connection is ready now (publishes go out at once). */
  get publishing(): boolean {
    return isReady(this.publisher);
  }

  /**
   * Why wait for the publishing connection: after an outage the subscriber
   * connections and the publishing one reconnect each on its own schedule,
   * so subscriptions may run again (and clients be told the feed is back)
   * while a publish would still fail at once. Waiting a bounded while for the
   * publisher keeps that event; a Redis still down fails it after the wait.
   */
  async publish(channel: string, message: string): Promise<void> {
    // On a cluster, ready means every master: a wake-up while one is still connecting waits on.
    if (!isReady(this.publisher) && !(await this.publisherWaiters.wait(PUBLISHER_WAIT_MS, () => isReady(this.publisher)))) {
      throw new Error(`the Redis publishing connection did not become ready within ${PUBLISHER_WAIT_MS} ms`);
    }
    await publish(this.publisher, channel, message);
  }

  async subscribe(channel: string, listener: ChannelListener): Promise<() => void> {
    if (!this.feed.up && (this.feed.everUp || !(await this.feed.whenUp(FIRST_CONNECTION_WAIT_MS)))) {
      throw new Error('the Redis subscriber connection is not up');
    }
    let entry = this.channels.get(channel);
    if (!entry) {
      entry = { listeners: new Set(), subscribed: this.feed.subscribe(channel) };
      this.channels.set(channel, entry);
    }
    const current = entry;
    current.listeners.add(listener);
    const unsubscribe = () => {
      if (!current.listeners.delete(listener) || current.listeners.size > 0) return;
      if (this.channels.get(channel) === current) this.channels.delete(channel);
      this.feed.unsubscribe(channel);
    };
    try {
      await current.subscribed;
    } catch (error) {
      unsubscribe();
      throw error;
    }
    return unsubscribe;
  }

  onFeedLost(listener: () => void): void {
    this.feed.onLost(listener);
  }

  async close(): Promise<void> {
    this.channels.clear();
    this.publisherWaiters.clear();
    this.publisher.disconnect();
    this.feed.close();
  }
}
