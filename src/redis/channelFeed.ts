/**
 * Pub/sub for the gateway's channels (cache invalidations, live events), on
 * one Redis or a Redis Cluster, behind one interface.
 *
 * - One Redis: PUBLISH, and SUBSCRIBE on one connection of its own (a
 *   connection in subscriber mode runs nothing else). ioredis subscribes
 *   again to the channels by itself after a reconnection.
 * - A cluster: sharded pub/sub. SPUBLISH goes to the master serving the
 *   channel's slot and reaches only that shard's subscribers, instead of
 *   every node of the cluster as PUBLISH would. So the feed keeps one
 *   subscriber connection per master of the slot map, a plain connection to
 *   that node, and SSUBSCRIBEs each channel on the master of its slot. Why
 *   not ioredis's own `shardedSubscribers`: it does not say when messages
 *   may have been lost, which the users of this feed must know. ioredis
 *   never settles an SSUBSCRIBE answered MOVED (a stale slot map); the feed
 *   ends it, has the slot map read again, and places the channel anew. When
 *   the slot map changes (a failover, a resharding; the command client
 *   re-reads it every 2 s and on MOVED), channels whose master changed are
 *   subscribed on the new one, and as messages published in between went to
 *   a node nobody was listening to, that counts as a loss.
 *
 * What a user learns: `up` (it can subscribe now: every connection ready),
 * `onLost` (a connection carrying channels dropped, or channels moved:
 * messages may have been missed) and `onRestored` (every channel is
 * listened to again, after a loss).
 */
import Redis, { Cluster } from 'ioredis';
import { createClient, nodeOf, nodeOptions, slotOwners, type RedisClient, type RedisTarget } from './connection';
import { Waiters } from './waiters';

export type MessageListener = (channel: string, message: string) => void;

export interface ChannelFeed {
  /** Can subscribe now: every connection the feed needs is ready. */
  readonly up: boolean;
  /** Has been up at least once. */
  readonly everUp: boolean;
  /** Resolves once the server has confirmed the subscription; rejects if it could not be made now (the feed keeps trying while it is wanted). */
  subscribe(channel: string): Promise<void>;
  /** The server has confirmed this channel's subscription (on a cluster: on the master of its slot now). */
  isSubscribed(channel: string): boolean;
  unsubscribe(channel: string): void;
  onMessage(listener: MessageListener): void;
  onLost(listener: () => void): void;
  onRestored(listener: () => void): void;
  /** Resolves true once up, false after `ms` without. */
  whenUp(ms: number): Promise<boolean>;
  close(): void;
}

/** PUBLISH on one Redis, SPUBLISH (to the channel's shard) on a cluster. */
export async function publish(client: RedisClient, channel: string, message: string): Promise<void> {
  await (client instanceof Cluster ? client.spublish(channel, message) : client.publish(channel, message));
}

/** A feed for the target. On a cluster it follows the slot map of `client` (the caller's command client). */
export function createFeed(target: RedisTarget, client: RedisClient): ChannelFeed {
  return client instanceof Cluster ? new ShardedFeed(target, client) : new SingleFeed(target);
}

/** Shared bookkeeping: listeners, and the up/lost/restored transitions. */
abstract class Feed implements ChannelFeed {
  everUp = false;
  /** Channels whose subscription the server has confirmed. */
  protected readonly confirmed = new Set<string>();
  protected readonly messageListeners: MessageListener[] = [];
  private readonly lostListeners: (() => void)[] = [];
  private readonly restoredListeners: (() => void)[] = [];
  private readonly upWaiters = new Waiters();
  /** A loss was reported and not yet followed by a restoration. */
  private lost = false;

  abstract readonly up: boolean;
  abstract subscribe(channel: string): Promise<void>;
  abstract unsubscribe(channel: string): void;
  abstract close(): void;

  isSubscribed(channel: string): boolean {
    return this.confirmed.has(channel);
  }

  onMessage(listener: MessageListener): void {
    this.messageListeners.push(listener);
  }

  onLost(listener: () => void): void {
    this.lostListeners.push(listener);
  }

  onRestored(listener: () => void): void {
    this.restoredListeners.push(listener);
  }

  whenUp(ms: number): Promise<boolean> {
    return this.up ? Promise.resolve(true) : this.upWaiters.wait(ms);
  }

  protected deliver(channel: string, message: string): void {
    for (const listener of this.messageListeners) listener(channel, message);
  }

  /** Messages may have been missed from now on. */
  protected reportLost(): void {
    if (this.lost) return;
    this.lost = true;
    for (const listener of this.lostListeners) listener();
  }

  /** Called whenever something became ready: tells waiters, and ends a loss once `settled` (every channel subscribed again). */
  protected checkUp(settled: boolean): void {
    if (!this.up) return;
    this.everUp = true;
    this.upWaiters.wake();
    if (this.lost && settled) {
      this.lost = false;
      for (const listener of this.restoredListeners) listener();
    }
  }
}

class SingleFeed extends Feed {
  private readonly subscriber: Redis;
  private wasReady = false;

  constructor(target: RedisTarget) {
    super();
    // Its queue holds the (UN)SUBSCRIBEs of a reconnection, which ioredis replays.
    this.subscriber = createClient(target, { offlineQueue: true }) as Redis;
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('message', (channel: string, message: string) => this.deliver(channel, message));
    this.subscriber.on('ready', () => {
      this.wasReady = true;
      this.checkUp(true); // ioredis subscribes again to every channel as it reconnects
    });
    this.subscriber.on('close', () => {
      if (this.wasReady) this.reportLost();
      this.wasReady = false;
    });
  }

  get up(): boolean {
    return this.subscriber.status === 'ready';
  }

  async subscribe(channel: string): Promise<void> {
    await this.subscriber.subscribe(channel);
    this.confirmed.add(channel); // and again by ioredis after each reconnection
  }

  unsubscribe(channel: string): void {
    this.confirmed.delete(channel);
    void this.subscriber.unsubscribe(channel).catch(() => undefined);
  }

  close(): void {
    this.subscriber.disconnect();
  }
}

interface NodeSubscriber {
  redis: Redis;
  wasReady: boolean;
  /** Rejects the SSUBSCRIBEs under way on this connection: one was answered MOVED (ioredis never settles that one). */
  moved: Set<(error: Error) => void>;
}

class ShardedFeed extends Feed {
  /** One subscriber connection per master of the slot map, by host:port. */
  private readonly nodes = new Map<string, NodeSubscriber>();
  /** Every channel wanted, and the master it is subscribed on (undefined: not yet, or to be again). */
  private readonly channels = new Map<string, string | undefined>();
  private closed = false;

  constructor(
    private readonly target: RedisTarget,
    private readonly cluster: Cluster,
  ) {
    super();
    cluster.on('ready', () => this.follow());
    cluster.on('refresh', () => this.follow());
  }

  get up(): boolean {
    if (this.cluster.status !== 'ready' || this.nodes.size === 0) return false;
    for (const node of this.nodes.values()) if (node.redis.status !== 'ready') return false;
    return true;
  }

  subscribe(channel: string): Promise<void> {
    this.channels.set(channel, undefined);
    return this.place(channel);
  }

  unsubscribe(channel: string): void {
    const node = this.channels.get(channel);
    this.channels.delete(channel);
    this.confirmed.delete(channel);
    if (node) void this.nodes.get(node)?.redis.sunsubscribe(channel).catch(() => undefined);
  }

  close(): void {
    this.closed = true;
    for (const node of this.nodes.values()) node.redis.disconnect();
    this.nodes.clear();
    this.channels.clear();
  }

  /** Every wanted channel is subscribed on its master (a reconnected connection subscribes its own again). */
  private settled(): boolean {
    for (const channel of this.channels.keys()) if (!this.confirmed.has(channel)) return false;
    return true;
  }

  /** Brings connections and subscriptions in line with the current slot map. */
  private follow(): void {
    if (this.closed) return;
    const owners = slotOwners(this.cluster);
    for (const owner of owners) if (!this.nodes.has(owner)) this.nodes.set(owner, this.connect(owner));
    const moved = [...this.channels].filter(([channel, node]) => node !== undefined && nodeOf(this.cluster, channel) !== node);
    if (moved.length > 0) this.reportLost();
    for (const [channel, node] of moved) {
      void this.nodes.get(node as string)?.redis.sunsubscribe(channel).catch(() => undefined);
      this.channels.set(channel, undefined);
      this.confirmed.delete(channel);
    }
    for (const [key, node] of this.nodes) {
      if (owners.has(key)) continue;
      node.redis.disconnect();
      this.nodes.delete(key);
    }
    // Channels not placed yet (or moved, or whose SSUBSCRIBE failed): now.
    for (const [channel, node] of this.channels) if (node === undefined) this.place(channel).catch(() => undefined);
    this.checkUp(this.settled());
  }

  /** SSUBSCRIBEs a channel on the master of its slot. */
  private async place(channel: string): Promise<void> {
    const owner = this.cluster.status === 'ready' ? nodeOf(this.cluster, channel) : undefined;
    const node = owner === undefined ? undefined : this.nodes.get(owner);
    if (owner === undefined || !node) throw new Error(`no cluster node to subscribe to ${channel} on yet`);
    this.channels.set(channel, owner);
    let reject: (error: Error) => void = () => undefined;
    try {
      // Like SUBSCRIBE on one Redis, it waits for the node while its connection comes back; a MOVED ends it.
      await Promise.race([node.redis.ssubscribe(channel), new Promise<never>((_resolve, fail) => node.moved.add((reject = fail)))]);
    } catch (error) {
      if (this.channels.get(channel) === owner) this.channels.set(channel, undefined); // the next slot map tries again
      throw error;
    } finally {
      node.moved.delete(reject);
    }
    // Unsubscribed meanwhile, or moved while this was under way.
    if (this.channels.get(channel) !== owner) void node.redis.sunsubscribe(channel).catch(() => undefined);
    else this.confirmed.add(channel);
    this.checkUp(this.settled());
  }

  private connect(key: string): NodeSubscriber {
    const redis = new Redis(nodeOptions(this.target, key, { offlineQueue: true }));
    const node: NodeSubscriber = { redis, wasReady: false, moved: new Set() };
    redis.on('error', () => undefined);
    redis.on('smessage', (channel: string, message: string) => this.deliver(channel, message));
    // An SSUBSCRIBE was answered MOVED: the slot map is stale. The channels go where the next one says.
    redis.on('moved', () => {
      for (const reject of [...node.moved]) reject(new Error(`${key} no longer serves the slot of a channel (MOVED)`));
      this.cluster.refreshSlotsCache();
    });
    redis.on('ready', () => {
      node.wasReady = true;
      this.checkUp(this.settled());
    });
    redis.on('close', () => {
      const carried = [...this.channels.values()].includes(key);
      if (node.wasReady && carried) this.reportLost();
      node.wasReady = false;
    });
    return node;
  }
}
