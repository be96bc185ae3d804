/**
 * The two kinds of Redis a gateway runs on, for suites that must pass on
 * both: the machine's single Redis (a key prefix per test) and a Redis
 * Cluster of the suite's own (test/helpers/redisCluster.ts), started in the
 * suite's `beforeAll` and stopped in its `afterAll`:
 *
 *   describe.each(redisKinds())('on %s', (_name, kind) => {
 *     useKind(kind, gateways); // start it; close the suite's gateways on it, then stop it
 *     …
 *   });
 *
 * `stop` also deletes the keys of every prefix the suite used on it.
 */
import Redis, { Cluster } from 'ioredis';
import type { CacheOptions } from '../../src/config';
import { createClient, type RedisClient, type RedisTarget } from '../../src/redis/connection';
import { PrivateCluster } from './redisCluster';
import { deleteUnder, keysUnder, scanUnder, SHARED_REDIS_URL } from './redis';
import type { GatewayUnderTest } from './stack';

export interface RedisKind {
  readonly name: 'a single Redis' | 'a Redis Cluster';
  readonly cluster: boolean;
  /** REDIS_URL and REDIS_CLUSTER, once started. */
  readonly target: RedisTarget;
  /** The cache settings that point a gateway here. */
  cache(): Pick<CacheOptions, 'redisUrl' | 'redisCluster'>;
  /** The private cluster (for the kill test); null for the single Redis. */
  readonly privateCluster: PrivateCluster | null;
  /** Remembers a prefix whose keys `stop` deletes. */
  use(prefix: string): string;
  /** A client for inspecting what is stored (the caller disconnects it). */
  client(): RedisClient;
  /** Every key under a prefix, on every master. */
  keysUnder(prefix: string): Promise<string[]>;
  /** How many masters hold these keys' slots: the pipelines a batch of them takes (1 on a single Redis, 0 for none). */
  nodesHolding(keys: readonly string[]): Promise<number>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

class SingleKind implements RedisKind {
  readonly name = 'a single Redis' as const;
  readonly cluster = false;
  readonly privateCluster = null;
  readonly target = { url: SHARED_REDIS_URL, cluster: false };
  private readonly prefixes = new Set<string>();

  cache() {
    return { redisUrl: SHARED_REDIS_URL, redisCluster: false };
  }

  use(prefix: string): string {
    this.prefixes.add(prefix);
    return prefix;
  }

  client(): RedisClient {
    return new Redis(SHARED_REDIS_URL);
  }

  keysUnder(prefix: string): Promise<string[]> {
    return keysUnder(SHARED_REDIS_URL, prefix);
  }

  async nodesHolding(keys: readonly string[]): Promise<number> {
    return keys.length > 0 ? 1 : 0;
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {
    for (const prefix of this.prefixes) await deleteUnder(SHARED_REDIS_URL, prefix);
  }
}

class ClusterKind implements RedisKind {
  readonly name = 'a Redis Cluster' as const;
  readonly cluster = true;
  private running: PrivateCluster | null = null;

  get privateCluster(): PrivateCluster {
    if (!this.running) throw new Error('the cluster is not started: call start() in beforeAll');
    return this.running;
  }

  get target(): RedisTarget {
    return { url: this.privateCluster.url, cluster: true };
  }

  cache() {
    return { redisUrl: this.privateCluster.url, redisCluster: true };
  }

  use(prefix: string): string {
    return prefix; // the cluster is removed whole
  }

  client(): RedisClient {
    const client = createClient(this.target, { commandTimeoutMs: 5000, offlineQueue: true });
    client.on('error', () => undefined);
    return client;
  }

  async keysUnder(prefix: string): Promise<string[]> {
    const cluster = this.client() as Cluster;
    try {
      if (cluster.status !== 'ready') await new Promise((resolve) => cluster.once('ready', resolve));
      return (await Promise.all(cluster.nodes('master').map((node) => scanUnder(node, prefix)))).flat();
    } finally {
      cluster.disconnect();
    }
  }

  async nodesHolding(keys: readonly string[]): Promise<number> {
    return new Set(await this.privateCluster.ownersOf(keys)).size;
  }

  async start(): Promise<void> {
    this.running = await PrivateCluster.start();
  }

  async stop(): Promise<void> {
    await this.running?.stop();
    this.running = null;
  }
}

/**
 * A suite's hooks for one kind: start it before the suite; after it, close
 * the gateways on it (taking them out of `gateways`) while it still runs,
 * then stop it.
 */
export function useKind(kind: RedisKind, gateways: GatewayUnderTest[]): void {
  beforeAll(() => kind.start(), 60_000);
  afterAll(async () => {
    const mine = gateways.filter((g) => g.gateway.config.cache.redisCluster === kind.cluster && g.gateway.config.cache.redisUrl === kind.target.url);
    for (const gateway of mine) gateways.splice(gateways.indexOf(gateway), 1);
    await Promise.all(mine.map((g) => g.gateway.close()));
    await kind.stop();
  });
}

/** The two kinds, as `describe.each` rows: [name, kind]. A suite calls this once. */
export function redisKinds(): [RedisKind['name'], RedisKind][] {
  return [new SingleKind(), new ClusterKind()].map((kind) => [kind.name, kind]);
}
