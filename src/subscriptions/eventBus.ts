/**
 * How live events travel between gateway instances: publish and subscribe on
 * named channels, and a signal when messages may have been missed.
 *
 * Two implementations: `RedisEventBus` (redisEventBus.ts) for a fleet
 * sharing Redis, and `InProcessEventBus` below for the embedded default (no
 * REDIS_URL: one instance, which only has to tell itself). The fan-out to
 * local subscribers (liveHub.ts) sees only this interface, so the transport
 * can change (Redis Cluster's sharded pub/sub) without touching it.
 */
export type ChannelListener = (message: string) => void;

export interface EventBus {
  /** Subscriptions can be made now (the transport is connected). */
  readonly up: boolean;
  /** Sends `message` to every instance subscribed to `channel` (this one included). Rejects when it could not be sent. */
  publish(channel: string, message: string): Promise<void>;
  /**
   * Delivers the channel's messages to `listener` from the time the returned
   * promise resolves; rejects when the transport cannot subscribe now (it is
   * down). The function it resolves with unsubscribes this listener.
   */
  subscribe(channel: string, listener: ChannelListener): Promise<() => void>;
  /** `listener` is called each time messages may have been lost (the subscriber connection dropped). */
  onFeedLost(listener: () => void): void;
  close(): Promise<void>;
}

/** One process telling itself: synchronous, never loses a message. */
export class InProcessEventBus implements EventBus {
  readonly up = true;
  private readonly channels = new Map<string, Set<ChannelListener>>();

  async publish(channel: string, message: string): Promise<void> {
    // Delivered after the publisher's turn, as a network bus would.
    const listeners = this.channels.get(channel);
    if (!listeners) return;
    queueMicrotask(() => {
      for (const listener of [...listeners]) listener(message);
    });
  }

  async subscribe(channel: string, listener: ChannelListener): Promise<() => void> {
    let listeners = this.channels.get(channel);
    if (!listeners) this.channels.set(channel, (listeners = new Set()));
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.channels.get(channel) === listeners) this.channels.delete(channel);
    };
  }

  onFeedLost(): void {
    // Nothing in between to lose messages.
  }

  async close(): Promise<void> {
    this.channels.clear();
  }
}
