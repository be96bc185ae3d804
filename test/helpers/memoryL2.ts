/**
 * An in-memory L2 (src/cache/l2.ts) for unit tests of the cache's rules: our
 * own implementation of the interface, with the semantics RedisTier gives it
 * (guarded writes refused after an eviction, SET NX locks, invalidations
 * heard by every instance), and counters of the round trips it was asked for.
 * It is not a mock of Redis: the real-Redis suites (cache.test.ts) stay.
 *
 * Instances of one fleet share a `MemoryL2Bus` (the "Redis" they all talk
 * to); each gateway instance gets its own `MemoryL2` on it.
 */
import type { CacheAddress } from '../../src/cache/keys';
import { localKey } from '../../src/cache/keys';
import type { InvalidationListener, L2Store, L2Write } from '../../src/cache/l2';

/** Tolerance for clocks of different instances, as RedisTier's guarded write allows. */
const CLOCK_SKEW_MS = 1000;

export class MemoryL2Bus {
  /** Entry texts by local key (an owner key plus `#field` for hashed families). */
  readonly entries = new Map<string, string>();
  /** Eviction time by owner key. */
  readonly markers = new Map<string, number>();
  readonly locks = new Set<string>();
  readonly instances: MemoryL2[] = [];

  instance(): MemoryL2 {
    const l2 = new MemoryL2(this);
    this.instances.push(l2);
    return l2;
  }
}

export class MemoryL2 implements L2Store {
  ready = true;
  /** When true, every round trip fails, as a timed-out Redis command does. */
  failing = false;
  /** Round trips asked for, by kind. */
  readonly calls = { read: 0, write: 0, evict: 0, lock: 0, unlock: 0 };
  readonly listeners: InvalidationListener[] = [];
  private readonly held: (() => void)[] = [];
  private holding = false;

  constructor(private readonly bus: MemoryL2Bus) {}

  /** Makes every later round trip wait until `release()`: a slow Redis the test steps through. */
  hold(): void {
    this.holding = true;
  }

  release(): void {
    this.holding = false;
    for (const go of this.held.splice(0)) go();
  }

  roundTrips(): number {
    return 1;
  }

  async read(addresses: readonly CacheAddress[]): Promise<(string | null)[]> {
    this.calls.read++;
    await this.turn();
    return addresses.map((a) => this.bus.entries.get(localKey(a)) ?? null);
  }

  async write(writes: readonly L2Write[]): Promise<void> {
    this.calls.write++;
    await this.turn();
    for (const w of writes) {
      const marker = this.bus.markers.get(ownerKey(w.address));
      if (marker !== undefined && marker + CLOCK_SKEW_MS >= w.fetchedAt) continue;
      this.bus.entries.set(localKey(w.address), w.value);
    }
  }

  async evict(owners: readonly CacheAddress[], now: number): Promise<void> {
    this.calls.evict++;
    await this.turn();
    const keys = owners.map(ownerKey);
    for (const key of keys) {
      this.bus.markers.set(key, now);
      for (const entry of [...this.bus.entries.keys()]) if (entry === key || entry.startsWith(`${key}#`)) this.bus.entries.delete(entry);
    }
    for (const instance of this.bus.instances) for (const listener of instance.listeners) listener(keys);
  }

  async lock(addresses: readonly CacheAddress[]): Promise<boolean[]> {
    this.calls.lock++;
    await this.turn();
    return addresses.map((a) => {
      const key = localKey(a);
      if (this.bus.locks.has(key)) return false;
      this.bus.locks.add(key);
      return true;
    });
  }

  async unlock(addresses: readonly CacheAddress[]): Promise<void> {
    this.calls.unlock++;
    for (const a of addresses) this.bus.locks.delete(localKey(a));
  }

  onInvalidate(listener: InvalidationListener): void {
    this.listeners.push(listener);
  }

  onDisconnect(): void {}

  onReconnect(): void {}

  async close(): Promise<void> {}

  private async turn(): Promise<void> {
    if (this.holding) await new Promise<void>((resolve) => this.held.push(resolve));
    if (this.failing) throw new Error('Command timed out');
  }
}

function ownerKey(address: CacheAddress): string {
  return localKey({ family: address.family, owner: address.owner });
}
