/**
 * A Redis Cluster of the test's own: three masters (no replicas) on reserved
 * loopback ports, each with its cluster bus at port + 10 000, made with
 * `redis-cli --cluster create`, in a temporary folder that is removed
 * afterwards.
 *
 * Why a cluster per test file: the cluster variants of the suites must see
 * real slots on real nodes (MOVED, sharded pub/sub, a master that dies), and
 * the kill test takes a node away. `stop()` ends exactly the processes this
 * helper spawned (and, should the test process exit without it, an exit
 * hook does), never anything found by name.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { reservePort } from './ports';
import { waitFor } from './redis';

/** Short, so a killed master is marked failed quickly; the gateway does not wait for it (it notices its own connection). */
const NODE_TIMEOUT_MS = 2000;

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export class PrivateCluster {
  private readonly processes = new Map<number, ChildProcess>();

  private constructor(
    readonly ports: readonly number[],
    private readonly dir: string,
  ) {}

  /** Starts `masters` nodes, joins them into one cluster and waits until every node says it is ok. */
  static async start(masters = 3): Promise<PrivateCluster> {
    const ports: number[] = [];
    for (let i = 0; i < masters; i++) ports.push(await reservePort({ bus: true }));
    const cluster = new PrivateCluster(ports, mkdtempSync(join(tmpdir(), 'bff-cluster-')));
    try {
      await Promise.all(ports.map((port) => cluster.startNode(port)));
      await cluster.create();
      await cluster.waitUntilOk();
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** `REDIS_URL` for REDIS_CLUSTER=true: every node, comma-separated. */
  get url(): string {
    return this.ports.map((port) => `redis://127.0.0.1:${port}`).join(',');
  }

  /** The port of the master that owns `key`'s slot. */
  async ownerOf(key: string): Promise<number> {
    return (await this.ownersOf([key]))[0] as number;
  }

  /** The port of the master owning each key's slot, as the cluster itself says (CLUSTER KEYSLOT, CLUSTER SLOTS). */
  async ownersOf(keys: readonly string[]): Promise<number[]> {
    const running = [...this.processes.keys()];
    const client = new Redis(running[0] as number, '127.0.0.1', { lazyConnect: true });
    try {
      await client.connect();
      const ranges = await client.cluster('SLOTS');
      const pipeline = client.pipeline();
      for (const key of keys) pipeline.cluster('KEYSLOT', key);
      const slots = ((await pipeline.exec()) ?? []).map(([error, slot]) => {
        if (error) throw error;
        return slot as number;
      });
      return slots.map((slot) => {
        const master = ranges.find(([from, to]) => slot >= from && slot <= to)?.[2];
        if (!master) throw new Error(`no node owns slot ${slot}`);
        return master[1];
      });
    } finally {
      client.disconnect();
    }
  }

  /** Kills one node at once (SIGKILL, as a crashed host); it can be started again on the same port with `restart`. */
  async kill(port: number): Promise<void> {
    const child = this.processes.get(port);
    if (!child || child.exitCode !== null) return;
    this.processes.delete(port);
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
    live.delete(child);
  }

  /** Starts a killed node again: it rejoins with its slots (its nodes.conf kept them), empty. */
  async restart(port: number): Promise<void> {
    await this.startNode(port);
    await this.waitUntilOk();
  }

  /** Stops every node this helper started and removes its folder. */
  async stop(): Promise<void> {
    await Promise.all([...this.processes.keys()].map((port) => this.kill(port)));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private startNode(port: number): Promise<void> {
    const args = [
      '--port', String(port),
      '--bind', '127.0.0.1',
      '--cluster-enabled', 'yes',
      '--cluster-config-file', join(this.dir, `nodes-${port}.conf`),
      '--cluster-node-timeout', String(NODE_TIMEOUT_MS),
      '--save', '',
      '--appendonly', 'no',
      '--dir', this.dir,
    ];
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    this.processes.set(port, child);
    live.add(child);
    child.once('exit', () => live.delete(child));
    return new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('Ready to accept connections')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`redis-server on ${port} exited with ${code}: ${out}`)));
    });
  }

  private create(): Promise<void> {
    const nodes = this.ports.map((port) => `127.0.0.1:${port}`);
    const child = spawn('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes'], { stdio: ['ignore', 'pipe', 'pipe'] });
    return new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`redis-cli --cluster create exited with ${code}: ${out}`))));
    });
  }

  /** Every running node reports cluster_state:ok and knows every slot. */
  private async waitUntilOk(): Promise<void> {
    const running = [...this.processes.keys()];
    const clients = running.map((port) => new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 0 }));
    for (const client of clients) client.on('error', () => undefined);
    try {
      await waitFor(
        async () => {
          const infos = await Promise.all(clients.map((c) => c.cluster('INFO').catch(() => '') as Promise<string>));
          return infos.every((info) => info.includes('cluster_state:ok') && info.includes('cluster_slots_ok:16384'));
        },
        'the cluster to be ok on every node',
        30_000,
      );
    } finally {
      for (const client of clients) client.disconnect();
    }
  }
}
