/**
 * A cached value with its clock: when it was fetched and until when it is
 * fresh. How long it may be served stale, and for what, is the family's
 * policy (see policies.ts), so entries stay small and a policy change applies
 * to entries already stored.
 */
import type { EntityPolicy } from './entityPolicies';

export interface Entry<V = unknown> {
  /** The value; null remembers "no such entity" (a negative entry). */
  v: V | null;
  /** When the downstream fetch that produced it started (ms since epoch). */
  s: number;
  /** Fresh until (ms since epoch). */
  f: number;
}

/** How long past freshness an entry is worth keeping at all. */
export function retentionMs(policy: EntityPolicy): number {
  return Math.max(policy.swr, policy.sie) * 1000;
}

export function isFresh(entry: Entry, now: number): boolean {
  return now < entry.f;
}

export function withinSwr(entry: Entry, policy: EntityPolicy, now: number): boolean {
  return now < entry.f + policy.swr * 1000;
}

export function withinSie(entry: Entry, policy: EntityPolicy, now: number): boolean {
  return now < entry.f + policy.sie * 1000;
}

/** Parses an L2 entry; anything unreadable is a miss, never an error. */
export function parseEntry(text: string | null): Entry | null {
  if (text === null) return null;
  try {
    const entry = JSON.parse(text) as Entry;
    return typeof entry === 'object' && entry !== null && typeof entry.s === 'number' && typeof entry.f === 'number' ? entry : null;
  } catch {
    return null;
  }
}
