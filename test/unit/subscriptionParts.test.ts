/**
 * The parts of subscriptions that need no server: their settings, and the
 * bounded queue between a feed and a socket.
 */
import { DEFAULT_SUBSCRIPTIONS, loadConfig } from '../../src/config';
import type { ServiceUrls } from '../../src/contract/services';
import { EventQueue } from '../../src/subscriptions/queue';

const settings = (env: NodeJS.ProcessEnv) => loadConfig(env, {} as ServiceUrls).subscriptions;

describe('the subscription settings', () => {
  it('default to DEFAULT_SUBSCRIPTIONS and are read from their environment variables', () => {
    expect(settings({})).toEqual(DEFAULT_SUBSCRIPTIONS);
    expect(
      settings({
        SUBSCRIPTIONS_PER_CONNECTION: '5',
        SUBSCRIPTIONS_PER_INSTANCE: '500',
        SUBSCRIPTION_QUEUE_EVENTS: '10',
        SUBSCRIPTION_MAX_PRODUCTS: '20',
        SUBSCRIPTION_PING_INTERVAL_MS: '0',
        SUBSCRIPTION_INIT_TIMEOUT_MS: '1000',
        STOCK_POLL_INTERVAL_MS: '2000',
        STOCK_POLL_MAX_PRODUCTS: '40',
      }),
    ).toEqual({ maxPerConnection: 5, maxPerInstance: 500, queueEvents: 10, maxProducts: 20, pingIntervalMs: 0, connectionInitTimeoutMs: 1000, pollIntervalMs: 2000, pollMaxProducts: 40 });
  });

  it.each([
    ['STOCK_POLL_MAX_PRODUCTS', '101', 'STOCK_POLL_MAX_PRODUCTS must be 1 to 100 (the inventory\'s batch limit); received 101.'],
    ['STOCK_POLL_INTERVAL_MS', '0', 'STOCK_POLL_INTERVAL_MS must be a positive integer; received 0.'],
    ['SUBSCRIPTION_QUEUE_EVENTS', '0', 'SUBSCRIPTION_QUEUE_EVENTS must be a positive integer; received 0.'],
    ['SUBSCRIPTIONS_PER_CONNECTION', '-1', 'SUBSCRIPTIONS_PER_CONNECTION must be a non-negative integer; received "-1".'],
  ])('refuse %s=%s at start-up', (name, value, message) => {
    expect(() => settings({ [name]: value })).toThrow(message);
  });
});

describe('a subscription queue', () => {
  it('hands events to a waiting reader at once, and keeps the newest when the reader is behind, counting the dropped', async () => {
    let dropped = 0;
    let ended = 0;
    const queue = new EventQueue<number>(3, () => dropped++, () => ended++);
    const waiting = queue.next();
    queue.push(1);
    expect(await waiting).toEqual({ value: 1, done: false });
    for (const n of [2, 3, 4, 5, 6]) queue.push(n);
    expect({ size: queue.size, dropped }).toEqual({ size: 3, dropped: 2 });
    expect([(await queue.next()).value, (await queue.next()).value, (await queue.next()).value]).toEqual([4, 5, 6]);
    await queue.return();
    expect(await queue.next()).toEqual({ value: undefined, done: true });
    queue.push(7);
    expect({ size: queue.size, ended }).toEqual({ size: 0, ended: 1 });
  });

  it('ends with the error it failed with, after the events it holds', async () => {
    let ended = 0;
    const queue = new EventQueue<number>(5, () => undefined, () => ended++);
    queue.push(1);
    queue.fail(new Error('feed lost'));
    queue.push(2);
    expect(await queue.next()).toEqual({ value: 1, done: false });
    await expect(queue.next()).rejects.toThrow('feed lost');
    expect(ended).toBe(1);
    const waiting = new EventQueue<number>(5, () => undefined, () => ended++);
    const pending = waiting.next();
    waiting.fail(new Error('feed lost'));
    await expect(pending).rejects.toThrow('feed lost');
    expect(ended).toBe(2);
  });
});
