/**
 * What travels on the live channels, and the channels' names: one channel
 * per product's stock and one per user's orders, so an instance receives
 * only what its own subscribers listen to (and Redis Cluster can spread the
 * channels over its shards: each name carries its key in a hash tag).
 *
 * A message is JSON; anything that does not parse as one of these is
 * ignored, never trusted.
 */
import type { DownstreamOrder, DownstreamStockLevel } from '../contract/payloads';

/**
 * On a product's channel: `level` is a stock level read (by the poller);
 * `moved` says an order through some instance changed it, and each instance
 * with subscribers of the product reads the new level itself, after the
 * order's cache evictions.
 */
export type StockMessage =
  | { kind: 'level'; productId: string; sku: string; level: DownstreamStockLevel }
  | { kind: 'moved'; productId: string; sku: string };

/** On a user's channel: an order they placed. */
export interface OrderMessage {
  kind: 'order';
  order: DownstreamOrder;
}

export function stockChannel(prefix: string, productId: string): string {
  return `${prefix}live:stock:{${productId}}`;
}

export function ordersChannel(prefix: string, userId: string): string {
  return `${prefix}live:orders:{${userId}}`;
}

export function parseStockMessage(text: string): StockMessage | null {
  const message = parse(text);
  if (!message || typeof message.productId !== 'string' || typeof message.sku !== 'string') return null;
  if (message.kind === 'moved') return message as StockMessage;
  if (message.kind === 'level' && isLevel(message.level)) return message as StockMessage;
  return null;
}

export function parseOrderMessage(text: string): OrderMessage | null {
  const message = parse(text);
  const order = message?.order as Partial<DownstreamOrder> | undefined;
  if (message?.kind !== 'order' || !order || typeof order.id !== 'string' || typeof order.userId !== 'string' || !Array.isArray(order.lines)) return null;
  return message as unknown as OrderMessage;
}

/** A level as one string, to tell a change from a repeat. */
export function levelKey(level: DownstreamStockLevel): string {
  return `${level.available}|${level.restockDate ?? ''}`;
}

function isLevel(value: unknown): value is DownstreamStockLevel {
  const level = value as Partial<DownstreamStockLevel> | null;
  return typeof level === 'object' && level !== null && typeof level.sku === 'string' && typeof level.available === 'number';
}

function parse(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
