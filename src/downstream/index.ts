/**
 * The downstream layer's entry: one transport and one client per service,
 * built from the gateway's configuration and shared by every request.
 */
import type { DownstreamOptions } from '../config';
import { createAccountsClient, type AccountsClient } from './accountsClient';
import { createCatalogClient, type CatalogClient } from './catalogClient';
import { createInventoryClient, type InventoryClient } from './inventoryClient';
import { createOrdersClient, type OrdersClient } from './ordersClient';
import { createRecommendationsClient, type RecommendationsClient } from './recommendationsClient';
import { createReviewsClient, type ReviewsClient } from './reviewsClient';
import { ServiceHttp, type RetryObserver, type ServiceHealth } from './serviceHttp';
import { type CallObserver } from './call';
import { SERVICE_NAMES, type ServiceName, type ServiceUrls } from '../contract/services';
import type { Tracing } from '../telemetry/tracing';

export interface Downstream {
  catalog: CatalogClient;
  inventory: InventoryClient;
  reviews: ReviewsClient;
  accounts: AccountsClient;
  orders: OrdersClient;
  recommendations: RecommendationsClient;
  /** Each service's health as this instance's own calls show it: circuit, recent failures, load (for /readyz). Never a call. */
  health(): Record<ServiceName, ServiceHealth>;
  close(): Promise<void>;
}

export function createDownstream(
  urls: ServiceUrls,
  options: DownstreamOptions,
  observe?: CallObserver,
  now?: () => number,
  tracing: Tracing | null = null,
  onRetry?: RetryObserver,
): Downstream {
  const http = {} as Record<ServiceName, ServiceHttp>;
  for (const name of SERVICE_NAMES) http[name] = new ServiceHttp(name, urls[name], options, observe, now, tracing, onRetry);
  return {
    catalog: createCatalogClient(http.catalog),
    inventory: createInventoryClient(http.inventory),
    reviews: createReviewsClient(http.reviews),
    accounts: createAccountsClient(http.accounts),
    orders: createOrdersClient(http.orders),
    recommendations: createRecommendationsClient(http.recommendations),
    health() {
      const out = {} as Record<ServiceName, ServiceHealth>;
      for (const name of SERVICE_NAMES) out[name] = http[name].health();
      return out;
    },
    async close() {
      await Promise.all(SERVICE_NAMES.map((name) => http[name].close()));
    },
  };
}
