/**
 * The built-in demo downstream services: all six REST services of
 * `downstream.openapi.yaml`, in-process, on their own loopback ports.
 *
 * Why they exist: the gateway must run and be tested without the real
 * services. The gateway starts them when no *_URL is configured, its
 * integration tests start them to have real HTTP on the other side (and read
 * expected values from `data`, count calls with `requests()`, inject faults
 * with `setKnobs()`), and the benchmark runs them in another process
 * (`main.ts`) and steers them through the `/__demo/*` control routes.
 *
 * Each service is its own node:http server with keep-alive. They share one
 * `DemoData` (so an order reserves stock the inventory service reports) and
 * one `DemoHub` (knobs, the request log). See `serviceServer.ts` for the
 * request pipeline and `seed.ts` for the data and its guarantees.
 */

import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { SERVICE_NAMES, type ServiceName, type ServiceUrls } from '../contract/services';
import { createAccountsService } from './accountsService';
import { createCatalogService } from './catalogService';
import { DEFAULT_KNOBS, DemoHub, type DemoKnobs, type DemoRequest } from './hub';
import { createInventoryService } from './inventoryService';
import { createOrdersService } from './ordersService';
import { createRecommendationsService } from './recommendationsService';
import { createReviewsService } from './reviewsService';
import type { ServiceDefinition } from './routes';
import { buildDemoData, type DemoData } from './seed';
import { createServiceServer } from './serviceServer';

export type { DemoKnobs, DemoRequest } from './hub';
export { DEFAULT_KNOBS } from './hub';
export { MALFORMED_BODY } from './serviceServer';
export { DEMO_SEED, buildDemoData, type DemoData, type ProductFilter } from './seed';

export interface DemoServicesOptions {
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Port per service; default (and 0) picks a free port. */
  ports?: Partial<Record<ServiceName, number>>;
  /** Initial knobs for every service. */
  knobs?: Partial<DemoKnobs>;
  /** Seed of the generated data set (default DEMO_SEED); ignored when `data` is given. */
  seed?: number;
  /** Serve this data set instead of generating one. */
  data?: DemoData;
  /** The clock that timestamps what the services write (orders, reviews); default the wall clock. */
  now?: () => number;
}

export interface DemoServices {
  /** Base URLs, no trailing slash, e.g. http://127.0.0.1:39211. */
  urls: ServiceUrls;
  /** The live data set (writes through the services show up here). */
  data: DemoData;
  /** Every request received since the last reset, in order (control routes and /healthz excluded). */
  requests(): DemoRequest[];
  resetRequests(): void;
  /** Patches the knobs of one service, or of all without `service`. Throws a RangeError on invalid values. */
  setKnobs(knobs: Partial<DemoKnobs>, service?: ServiceName): void;
  /** The current knobs of one service. */
  getKnobs(service: ServiceName): DemoKnobs;
  /** Stops all six servers, closing idle keep-alive sockets and cancelling delayed replies. */
  close(): Promise<void>;
}

const FACTORIES: Record<ServiceName, (data: DemoData, now: () => number) => ServiceDefinition> = {
  catalog: createCatalogService,
  inventory: createInventoryService,
  reviews: createReviewsService,
  accounts: createAccountsService,
  orders: createOrdersService,
  recommendations: createRecommendationsService,
};

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startDemoServices(options: DemoServicesOptions = {}): Promise<DemoServices> {
  const host = options.host ?? '127.0.0.1';
  const data = options.data ?? buildDemoData(options.seed);
  const hub = new DemoHub();
  hub.setKnobs({ ...DEFAULT_KNOBS, ...options.knobs }, SERVICE_NAMES);

  const servers = new Map<ServiceName, Server>();
  for (const name of SERVICE_NAMES) servers.set(name, createServiceServer(FACTORIES[name](data, options.now ?? Date.now), hub, SERVICE_NAMES));

  const urls = {} as ServiceUrls;
  try {
    for (const name of SERVICE_NAMES) {
      const port = await listen(servers.get(name) as Server, options.ports?.[name] ?? 0, host);
      urls[name] = `http://${urlHost(host)}:${port}`;
    }
  } catch (error) {
    await Promise.all([...servers.values()].map(closeServer));
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    urls,
    data,
    requests: () => hub.requests(),
    resetRequests: () => hub.resetRequests(),
    setKnobs: (knobs, service) => hub.setKnobs(knobs, service === undefined ? SERVICE_NAMES : [service]),
    getKnobs: (service) => ({ ...hub.knobsOf(service) }),
    close() {
      closing ??= (async () => {
        hub.cancelTimers();
        await Promise.all([...servers.values()].map(closeServer));
      })();
      return closing;
    },
  };
}
