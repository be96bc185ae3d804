/**
 * What the write routes (orders, reviews) share: the caller from `x-user-id`, the JSON request body,
 * and idempotency keys, so a retried write returns its first result instead of acting twice.
 */

import { errorReply, invalidInput, type Reply } from './replies';
import type { RequestContext } from './routes';

const USER_HEADER_PATTERN = /^u-[0-9]{4,8}$/;

/** The caller's user id from `x-user-id`, or a 401. */
export function requireUser(ctx: RequestContext): string | Reply {
  const userId = ctx.userId;
  if (userId === undefined || !USER_HEADER_PATTERN.test(userId)) {
    return errorReply(401, 'UNAUTHORIZED', 'a valid x-user-id header is required');
  }
  return userId;
}

/** The parsed JSON body, or a 400 when it is missing or not valid JSON. */
export function parseJsonBody(ctx: RequestContext): { value: unknown } | Reply {
  if (ctx.body.trim() === '') return invalidInput('a JSON request body is required');
  try {
    return { value: JSON.parse(ctx.body) as unknown };
  } catch {
    return invalidInput('the request body is not valid JSON');
  }
}

export const MAX_IDEMPOTENCY_KEY = 128;
const DAY_MS = 86_400_000;

/**
 * Remembers the reply to each (user, idempotency key) for 24 hours, so a
 * retried write returns the first result instead of acting twice. Any reply
 * the handler produced is remembered, errors included (like Stripe); knob
 * failures never reach the handler, so a retry after a 503 does act.
 */
export class IdempotencyStore {
  private readonly entries = new Map<string, { at: number; reply: Reply }>();

  constructor(
    private readonly ttlMs = DAY_MS,
    private readonly maxEntries = 200_000,
  ) {}

  run(ctx: RequestContext, userId: string, act: () => Reply): Reply {
    const raw = ctx.headers['idempotency-key'];
    const key = Array.isArray(raw) ? raw[0] : raw;
    if (key === undefined || key === '') return act();
    if (key.length > MAX_IDEMPOTENCY_KEY) {
      return invalidInput(`idempotency-key must be at most ${MAX_IDEMPOTENCY_KEY} characters`, 'idempotency-key');
    }
    const now = Date.now();
    this.prune(now);
    const id = `${userId}\u0000${key}`;
    const seen = this.entries.get(id);
    if (seen) return { ...seen.reply, headers: { ...seen.reply.headers, 'idempotent-replayed': 'true' } };
    const reply = act();
    if (reply.status < 500) {
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(id, { at: now, reply });
    }
    return reply;
  }

  private prune(now: number): void {
    // Insertion order is time order, so expired entries are at the front.
    for (const [id, entry] of this.entries) {
      if (now - entry.at < this.ttlMs) break;
      this.entries.delete(id);
    }
  }
}
