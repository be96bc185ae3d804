/**
 * Redis round trips per contract operation, on a single Redis and on a
 * Redis Cluster (three masters of this file's own), as the request log line
 * and /metrics report them: cold, warm on the same instance (L1), and warm
 * on another instance of the fleet (L2). README "Redis Cluster" shows the
 * table this prints.
 *
 * What it holds to: the three reports agree (the line, `extensions.cache`
 * and the `gateway_redis_roundtrips_total` counter), a single Redis makes at
 * most one read per dependency level and one write, and a cluster makes at
 * least as many as a single Redis and at most one per master for each.
 */
import { DEFAULT_CACHE } from '../src/config';
import { developmentToken } from '../src/context/developmentToken';
import { startDemoServices, type DemoServices } from '../src/demo';
import { contractOperations, type ContractOperation } from './helpers/contract';
import { capturedLogs } from './helpers/logs';
import { testPrefix, waitFor } from './helpers/redis';
import { redisKinds, useKind, type RedisKind } from './helpers/redisKinds';
import { startGateway, TEST_JWT_SECRET, type GatewayUnderTest } from './helpers/stack';

const SIGNED_IN = new Set(['WebAccountOrders', 'WebPlaceOrder', 'WebSubmitReview', 'MobilePlaceOrder']);
/** Every contract query reads in two dependency levels (criticalPath.test.ts). */
const LEVELS = 2;
const MASTERS = 3;

interface Trips {
  calls: number;
  reads: number;
  writes: number;
}

let demo: DemoServices;
const table = new Map<string, Partial<Record<RedisKind['name'], Trips[]>>>();

beforeAll(async () => {
  demo = await startDemoServices();
});
afterAll(async () => {
  await demo.close();
  const cell = (t: Trips | undefined) => (t ? `${t.calls} calls, ${t.reads} read + ${t.writes} write` : '–');
  const rows = [...table].map(([name, kinds]) => {
    const [single, cluster] = [kinds['a single Redis'] ?? [], kinds['a Redis Cluster'] ?? []];
    return `| ${name}${SIGNED_IN.has(name) ? ' (signed in)' : ''} | ${[0, 1, 2].map((i) => `${cell(single[i])} | ${cell(cluster[i])}`).join(' | ')} |`;
  });
  console.log(
    [
      '| operation | cold, single Redis | cold, cluster | warm L1, single Redis | warm L1, cluster | warm L2, single Redis | warm L2, cluster |',
      '|---|---|---|---|---|---|---|',
      ...rows,
    ].join('\n'),
  );
});

/** A counter's value in the gateway's /metrics text. */
async function roundTripsCounted(g: GatewayUnderTest): Promise<{ reads: number; writes: number }> {
  const text = await g.gateway.metrics.render();
  const value = (kind: string) => Number(new RegExp(`^gateway_redis_roundtrips_total\\{kind="${kind}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return { reads: value('read'), writes: value('write') };
}

describe.each(redisKinds())('on %s', (name, kind) => {
  useKind(kind, []);

  it.each(contractOperations.map((op) => [op.name, op] as [string, ContractOperation]))('%s: the log line, the response and /metrics report the same round trips', async (opName, op) => {
    const prefix = kind.use(testPrefix(`trips-${opName}`));
    let now = Date.now();
    const clock = () => now; // still: nothing goes stale between the runs
    const logs = [capturedLogs(), capturedLogs()];
    const [a, b] = await Promise.all(
      logs.map((log) =>
        startGateway(demo.urls, {
          config: { cache: { ...DEFAULT_CACHE, ...kind.cache(), prefix, responseCache: false, redisCommandTimeoutMs: 1000 }, logLevel: 'info' },
          logger: log.logger,
          now: clock,
        }),
      ),
    ) as [GatewayUnderTest, GatewayUnderTest];
    try {
      for (const g of [a, b]) await waitFor(() => g.gateway.cache.l2?.ready === true, 'Redis to be connected');
      const headers = SIGNED_IN.has(opName) ? { authorization: `Bearer ${await developmentToken('u-0001', TEST_JWT_SECRET)}` } : undefined;
      const runs: Trips[] = [];
      for (const [g, log] of [[a, logs[0]], [a, logs[0]], [b, logs[1]]] as const) {
        const before = await roundTripsCounted(g);
        const linesBefore = log!.lines.filter((l) => l.msg === 'request').length;
        demo.resetRequests();
        const result = await g.graphql(op.frontend, op.document, op.variables, headers);
        await g.gateway.settled();
        expect(result.body.errors).toBeUndefined();
        const reported = result.body.extensions?.cache as { redisReads: number; redisWrites: number };
        await waitFor(() => log!.lines.filter((l) => l.msg === 'request').length > linesBefore, 'the request line');
        const line = log!.lines.filter((l) => l.msg === 'request').at(-1)?.cache as { redisReads: number; redisWrites: number };
        const counted = await roundTripsCounted(g);
        const trips = { calls: demo.requests().length, reads: reported.redisReads, writes: reported.redisWrites };
        expect({ reads: line.redisReads, writes: line.redisWrites }).toEqual({ reads: trips.reads, writes: trips.writes });
        expect({ reads: counted.reads - before.reads, writes: counted.writes - before.writes }).toEqual({ reads: trips.reads, writes: trips.writes });
        runs.push(trips);
        now += 1;
      }
      const perTrip = kind.cluster ? MASTERS : 1;
      for (const trips of runs) {
        expect(trips.reads).toBeLessThanOrEqual(LEVELS * perTrip);
        expect(trips.writes).toBeLessThanOrEqual(perTrip);
      }
      const single = table.get(opName)?.['a single Redis'];
      if (kind.cluster && single) runs.forEach((trips, i) => expect(trips.reads).toBeGreaterThanOrEqual((single[i] as Trips).reads));
      table.set(opName, { ...table.get(opName), [name]: runs });
    } finally {
      await Promise.all([a.gateway.close(), b.gateway.close()]);
    }
  });
});
