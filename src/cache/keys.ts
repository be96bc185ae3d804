/**
 * Where an entity lives: its address, and the keys built from it.
 *
 * Keys are namespaced (`<prefix>`), versioned per family (changing a cached
 * value's shape bumps `version`, so an old entry is never misread), and wrap
 * the entity part in a Redis Cluster hash tag `{…}` so an entry and its
 * invalidation marker share a slot. The privacy rule (entityPolicies.ts) is
 * applied where addresses are made: a private family's owner is always the
 * verified user's id.
 */
import { POLICIES, type Family } from './entityPolicies';

/** An entity's address: `owner` names the Redis key, `field` the hash field for hashed families. */
export interface CacheAddress {
  family: Family;
  owner: string;
  field?: string;
}

/** The Redis key of an entry (or of the hash holding it). */
export function redisKey(prefix: string, family: Family, owner: string): string {
  return `${prefix}${family}:v${POLICIES[family].version}:{${owner}}`;
}

/** The invalidation marker of a key: when it was last evicted (see RedisTier.write). */
export function markerKey(prefix: string, family: Family, owner: string): string {
  return `${prefix}${family}:inv:{${owner}}`;
}

/** The process-local key of an entry (L1, invalidation log). */
export function localKey(address: CacheAddress): string {
  return address.field === undefined
    ? `${address.family}:${address.owner}`
    : `${address.family}:${address.owner}#${address.field}`;
}
