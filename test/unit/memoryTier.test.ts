/**
 * L1 (src/cache/memoryTier.ts): bounded in estimated heap bytes, the least
 * recently read evicted first, entries expired by their own deadline, and
 * the owner index kept exact through replacement, eviction and deletion.
 */
import type { Entry } from '../../src/cache/entry';
import { MemoryTier } from '../../src/cache/memoryTier';

/** An entry stands for itself here: the tier never looks inside one. */
const entry = (name: string) => ({ name }) as unknown as Entry;
const NEVER = Number.MAX_SAFE_INTEGER;
const NOW = 1_000;

describe('L1 memory tier', () => {
  it('weighs each entry at three times its JSON length and evicts the least recently read first', () => {
    const tier = new MemoryTier(30); // room for three entries of 3 JSON bytes (9 each)
    tier.set('a', entry('a'), 3, NEVER);
    tier.set('b', entry('b'), 3, NEVER);
    tier.set('c', entry('c'), 3, NEVER);
    expect(tier.bytes).toBe(27);
    expect(tier.get('a', NOW)).toEqual({ name: 'a' }); // a is now the most recent: b is the oldest
    tier.set('d', entry('d'), 3, NEVER);
    expect(tier.get('b', NOW)).toBeUndefined();
    expect(['a', 'c', 'd'].map((k) => tier.get(k, NOW))).toEqual([{ name: 'a' }, { name: 'c' }, { name: 'd' }]);
    expect(tier.bytes).toBe(27);
  });

  it('evicts as many of the oldest as a large entry needs, and keeps nothing larger than the whole budget', () => {
    const tier = new MemoryTier(30);
    for (const k of ['a', 'b', 'c']) tier.set(k, entry(k), 3, NEVER);
    tier.set('big', entry('big'), 7, NEVER); // 21 bytes: a and b go
    expect(['a', 'b', 'c', 'big'].map((k) => tier.get(k, NOW) !== undefined)).toEqual([false, false, true, true]);
    tier.set('c', entry('huge'), 11, NEVER); // 33 > 30: not kept, and the old c is gone too
    expect(tier.get('c', NOW)).toBeUndefined();
    expect(tier.bytes).toBe(21);
  });

  it('replaces an entry in place of its old weight', () => {
    const tier = new MemoryTier(100);
    tier.set('a', entry('a1'), 5, NEVER);
    tier.set('a', entry('a2'), 2, NEVER);
    expect(tier.get('a', NOW)).toEqual({ name: 'a2' });
    expect(tier.bytes).toBe(6);
  });

  it('expires an entry at its own deadline and forgets it', () => {
    const tier = new MemoryTier(100);
    tier.set('a', entry('a'), 1, 2_000);
    expect(tier.get('a', 1_999)).toEqual({ name: 'a' });
    expect(tier.get('a', 2_000)).toBeUndefined();
    expect(tier.bytes).toBe(0);
  });

  it("deletes an owner's keys, whether they were replaced, evicted or deleted one by one before", () => {
    const tier = new MemoryTier(30);
    tier.set('r:p1:1', entry('page 1'), 3, NEVER, 'reviews:p1');
    tier.set('r:p1:2', entry('page 2'), 3, NEVER, 'reviews:p1');
    tier.set('r:p2:1', entry('other'), 3, NEVER, 'reviews:p2');
    tier.set('r:p1:2', entry('page 2 again'), 3, NEVER, 'reviews:p1');
    tier.deleteOwner('reviews:p1');
    expect(['r:p1:1', 'r:p1:2', 'r:p2:1'].map((k) => tier.get(k, NOW) !== undefined)).toEqual([false, false, true]);

    // Evicted keys leave the index: a later deleteOwner touches only what is held.
    tier.set('r:p3:1', entry('p3'), 3, NEVER, 'reviews:p3');
    tier.set('x', entry('x'), 8, NEVER); // 24 bytes: evicts r:p2:1 (the oldest), then r:p3:1
    expect(tier.get('r:p3:1', NOW)).toBeUndefined();
    tier.set('r:p3:2', entry('p3 page 2'), 1, NEVER, 'reviews:p3');
    tier.deleteOwner('reviews:p3');
    expect(tier.get('r:p3:2', NOW)).toBeUndefined();
    expect(tier.get('x', NOW)).toEqual({ name: 'x' });
    expect(tier.bytes).toBe(24);
  });

  it('holds nothing after clear, and takes entries again', () => {
    const tier = new MemoryTier(30);
    tier.set('a', entry('a'), 3, NEVER, 'o');
    tier.clear();
    expect(tier.get('a', NOW)).toBeUndefined();
    expect(tier.bytes).toBe(0);
    tier.set('b', entry('b'), 3, NEVER);
    expect(tier.get('b', NOW)).toEqual({ name: 'b' });
  });
});
