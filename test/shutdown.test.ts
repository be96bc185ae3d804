/**
 * Graceful shutdown of `npm start`'s own process (src/main.ts) in production
 * mode: under load from 16 keep-alive clients, SIGTERM turns /readyz 503 at
 * once, the instance keeps serving for SHUTDOWN_DELAY_MS while a load
 * balancer (this test's poller) takes it out, then finishes what is in
 * flight and exits 0: not one request fails. A second signal exits at once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'undici';
import { projectRoot } from '../src/config';
import { startDemoServices, type DemoServices } from '../src/demo';
import { operation } from './helpers/contract';
import { waitFor } from './helpers/redis';

const DELAY_MS = 800;
const TIMEOUT_MS = 5000;

let demo: DemoServices;
beforeAll(async () => {
  demo = await startDemoServices({ knobs: { latencyMs: 200 } });
});
afterAll(() => demo.close());

interface Started {
  child: ChildProcess;
  url: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

async function startGatewayProcess(): Promise<Started> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
    JWT_SECRET: 'shutdown-test-secret',
    SHUTDOWN_DELAY_MS: String(DELAY_MS),
    SHUTDOWN_TIMEOUT_MS: String(TIMEOUT_MS),
    CATALOG_URL: demo.urls.catalog,
    INVENTORY_URL: demo.urls.inventory,
    REVIEWS_URL: demo.urls.reviews,
    ACCOUNTS_URL: demo.urls.accounts,
    ORDERS_URL: demo.urls.orders,
    RECOMMENDATIONS_URL: demo.urls.recommendations,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: projectRoot(), env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: performance.now() })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      output.push(chunk.toString());
      const match = /"url":"(http:\/\/[^"]+)","msg":"gateway listening"/.exec(buffered);
      if (match) resolve(match[1] as string);
    });
    void exited.then(({ code }) => reject(new Error(`the gateway exited with ${code}: ${output.join('')}`)));
  });
  return { child, url, exited };
}

describe('SIGTERM under load', () => {
  it('fails no request: unready at once, serving through the delay, drained, exit 0 within the bounds', async () => {
    const gateway = await startGatewayProcess();
    const op = operation('MobileProduct');
    const agent = new Agent({ connections: 16, keepAliveTimeout: 30_000 });
    const outcomes: { status: number | string; at: number; closing: boolean }[] = [];
    let routed = true; // what the "load balancer" believes
    let signalledAt = Infinity;

    // The load balancer: polls /readyz and stops routing here once it says no.
    const poller = (async () => {
      while (routed) {
        try {
          const res = await request(`${gateway.url}/readyz`, { dispatcher: agent });
          await res.body.dump();
          if (res.statusCode === 503) routed = false;
        } catch {
          routed = false;
        }
      }
    })();
    const client = async (n: number) => {
      while (routed) {
        try {
          const res = await request(`${gateway.url}/graphql/mobile`, {
            method: 'POST',
            dispatcher: agent,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ query: op.document, variables: { id: `p-${String((n % 40) + 1).padStart(4, '0')}` } }),
          });
          const body = (await res.body.json()) as { data?: { product?: { id: string } } };
          outcomes.push({ status: body.data?.product?.id ? res.statusCode : `${res.statusCode} without data`, at: performance.now(), closing: res.headers.connection === 'close' });
        } catch (error) {
          outcomes.push({ status: (error as Error).message, at: performance.now(), closing: false });
        }
      }
    };
    const clients = Array.from({ length: 16 }, (_v, n) => client(n));
    await waitFor(() => outcomes.length >= 48, 'the load to be under way', 30_000);

    gateway.child.kill('SIGTERM');
    signalledAt = performance.now();
    await Promise.all([poller, ...clients]);
    const exit = await gateway.exited;
    await agent.close();

    const failed = outcomes.filter((o) => o.status !== 200);
    const duringDrain = outcomes.filter((o) => o.at > signalledAt);
    console.log(`drain: ${outcomes.length} requests, ${duringDrain.length} answered after SIGTERM, ${failed.length} failed; exit ${exit.code} after ${Math.round(exit.at - signalledAt)} ms`);
    expect(failed).toEqual([]);
    expect(duringDrain.length).toBeGreaterThan(0);
    expect(duringDrain.some((o) => o.closing)).toBe(true);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.at - signalledAt).toBeGreaterThanOrEqual(DELAY_MS);
    expect(exit.at - signalledAt).toBeLessThan(DELAY_MS + TIMEOUT_MS);
  }, 60_000);
});

describe('a second signal', () => {
  it('exits at once, without waiting for the delay', async () => {
    const gateway = await startGatewayProcess();
    gateway.child.kill('SIGTERM');
    await waitFor(async () => {
      const res = await request(`${gateway.url}/readyz`).catch(() => null);
      if (!res) return false;
      await res.body.dump();
      return res.statusCode === 503;
    }, '/readyz to answer 503');
    const sentAt = performance.now();
    gateway.child.kill('SIGTERM');
    const exit = await gateway.exited;
    expect(exit.code).toBe(143);
    expect(exit.at - sentAt).toBeLessThan(DELAY_MS);
  }, 60_000);
});
