/**
 * The gateway's Redis connections, made in one place from REDIS_URL and
 * REDIS_CLUSTER: a plain ioredis client for one Redis, an ioredis `Cluster`
 * for a Redis Cluster. Every user (the cache's tier, the rate limiter, the
 * event bus, the poller's store) asks here, so each gets the same
 * resilience options and none repeats them.
 *
 * The options, and why (README: "Redis Cluster"):
 * - commands are bounded by the caller's timeout, never queued while a
 *   connection is down (no offline queue) and never retried per request: the
 *   caller skips Redis or falls back instead of waiting;
 * - connections come back by themselves, with a back-off up to 1 s;
 * - on a cluster, no delayed retries (after a lost connection, CLUSTERDOWN or
 *   TRYAGAIN ioredis would otherwise wait 100 ms and try again, up to 16
 *   times, past any command timeout); a MOVED is followed at once, a few
 *   hops at most. Reads go to masters only (`scaleReads: 'master'`): a
 *   replica may still hold an entry an eviction has just deleted. Every
 *   master's connection is opened as soon as the cluster is ready (ioredis
 *   opens them on first use), so `isReady` can say whether every slot is
 *   reachable now.
 *
 * Splitting by slot: ioredis sends a cluster pipeline to one node only, and
 * refuses one whose keys live on different nodes. `byNode` groups a batch's
 * keys by the node serving their slots, one pipeline per group.
 */
import Redis, { Cluster, type ClusterNode, type RedisOptions } from 'ioredis';
import { keySlot } from './keySlot';

/** Where Redis is: REDIS_URL, and whether it names a cluster's seed nodes (REDIS_CLUSTER). */
export interface RedisTarget {
  /** One URL; with `cluster`, a comma list of seed nodes' URLs (credentials and TLS taken from the first). */
  url: string;
  cluster: boolean;
}

export type RedisClient = Redis | Cluster;

export interface ClientOptions {
  /** Longest a command may take before it fails; undefined: no limit (a subscriber's connection). */
  commandTimeoutMs?: number;
  /** Queue commands while disconnected (only subscribers, whose SUBSCRIBEs a reconnection replays). Default false. */
  offlineQueue?: boolean;
}

const CONNECT_TIMEOUT_MS = 1000;
/** How often a cluster client re-reads the slot map (a failover, a resharding) besides on MOVED. */
const SLOTS_REFRESH_MS = 2000;
const backOff = (attempt: number) => Math.min(50 * attempt, 1000);

/** A client for the target: `Redis`, or `Cluster` with REDIS_CLUSTER. */
export function createClient(target: RedisTarget, options: ClientOptions = {}): RedisClient {
  const perConnection: RedisOptions = {
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    ...(options.commandTimeoutMs !== undefined ? { commandTimeout: options.commandTimeoutMs } : {}),
  };
  if (!target.cluster) {
    return new Redis(target.url, { ...perConnection, enableOfflineQueue: options.offlineQueue ?? false, retryStrategy: backOff });
  }
  const { seeds, credentials } = clusterSeeds(target.url);
  const cluster = new Cluster(seeds, {
    enableOfflineQueue: options.offlineQueue ?? false,
    scaleReads: 'master',
    maxRedirections: 4,
    retryDelayOnFailover: 0,
    retryDelayOnClusterDown: 0,
    retryDelayOnTryAgain: 0,
    slotsRefreshTimeout: CONNECT_TIMEOUT_MS,
    slotsRefreshInterval: SLOTS_REFRESH_MS,
    clusterRetryStrategy: backOff,
    clusterNodeRetryStrategy: backOff,
    redisOptions: { ...perConnection, ...credentials },
  });
  // Only once ready: the ready check's CLUSTER INFO may go to any node, and without an offline queue
  // a node still connecting refuses it (a node not yet asked to connect takes it), which would fail
  // the check and start the connection over, again and again on a slow machine.
  const connectMasters = () => {
    if (cluster.status !== 'ready') return;
    for (const node of cluster.nodes('master')) if (node.status === 'wait') node.connect().catch(() => undefined);
  };
  cluster.on('ready', connectMasters);
  cluster.on('refresh', connectMasters);
  cluster.on('+node', () => process.nextTick(connectMasters));
  return cluster;
}

/** Connected and able to serve every key now: the connection is ready, or every master of the cluster's slot map is connected. */
export function isReady(client: RedisClient): boolean {
  if (client.status !== 'ready') return false;
  if (!(client instanceof Cluster)) return true;
  const masters = client.nodes('master');
  return masters.length > 0 && masters.every((node) => node.status === 'ready');
}

/** Calls `listener` each time the client becomes ready (for a cluster: each time every master is connected again). */
export function onReady(client: RedisClient, listener: () => void): void {
  if (!(client instanceof Cluster)) {
    client.on('ready', listener);
    return;
  }
  const check = () => {
    if (isReady(client)) listener();
  };
  client.on('ready', check);
  client.on('+node', (node: Redis) => node.on('ready', check));
}

/**
 * The indexes of `keys`, grouped by the node that serves their slots: one
 * group (every index) for a single Redis; for a cluster, one per master
 * holding some of them, each sendable as one pipeline.
 */
export function byNode(client: RedisClient, keys: readonly string[]): number[][] {
  if (!(client instanceof Cluster)) return [keys.map((_k, i) => i)];
  const groups = new Map<string, number[]>();
  keys.forEach((key, i) => {
    // ioredis's own test for one pipeline: the same nodes serve every slot.
    const nodes = client.slots[keySlot(key)]?.join(';') ?? '';
    const group = groups.get(nodes);
    if (group) group.push(i);
    else groups.set(nodes, [i]);
  });
  return [...groups.values()];
}

/** The node (host:port) serving `key`'s slot now, or undefined before the slot map is known. */
export function nodeOf(cluster: Cluster, key: string): string | undefined {
  return cluster.slots[keySlot(key)]?.[0];
}

/** The masters named by the cluster's slot map (host:port). */
export function slotOwners(cluster: Cluster): Set<string> {
  const owners = new Set<string>();
  for (const nodes of cluster.slots) if (nodes?.[0]) owners.add(nodes[0]);
  return owners;
}

/** Options of a plain connection to one node of the target (a sharded subscriber's), credentials included. */
export function nodeOptions(target: RedisTarget, node: string, options: ClientOptions): RedisOptions {
  const { credentials } = clusterSeeds(target.url);
  const [host, port] = splitNode(node);
  return {
    host,
    port,
    ...credentials,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: options.offlineQueue ?? false,
    retryStrategy: backOff,
    ...(options.commandTimeoutMs !== undefined ? { commandTimeout: options.commandTimeoutMs } : {}),
  };
}

function splitNode(node: string): [string, number] {
  const colon = node.lastIndexOf(':');
  return [node.slice(0, colon), Number(node.slice(colon + 1))];
}

function clusterSeeds(url: string): { seeds: ClusterNode[]; credentials: Pick<RedisOptions, 'username' | 'password' | 'tls'> } {
  const urls = url.split(',').map((u) => new URL(u.trim()));
  const first = urls[0] as URL;
  return {
    seeds: urls.map((u) => ({ host: u.hostname, port: Number(u.port || 6379) })),
    credentials: {
      ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
      ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
      ...(first.protocol === 'rediss:' ? { tls: {} } : {}),
    },
  };
}
