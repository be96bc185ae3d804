/**
 * The inventory service: stock levels by SKU (`GET /stock`). Stock is only
 * written by the orders service, which reserves it when an order is placed.
 */
import { unexpectedStatus } from '../errors/catalogue';
import { idList } from './paths';
import type { CallTrace, Fetched } from './call';
import type { ServiceHttp } from './serviceHttp';
import type { DownstreamStockLevel } from '../contract/payloads';
import { items, stockLevel } from '../contract/validate';

const stockItems = items(stockLevel);

export type InventoryClient = ReturnType<typeof createInventoryClient>;

export function createInventoryClient(http: ServiceHttp) {
  return {
    /** Stock levels for at most 100 SKUs; unknown SKUs are left out. */
    async stockBySkus(skus: readonly string[], trace?: CallTrace, signal?: AbortSignal): Promise<Fetched<DownstreamStockLevel[]>> {
      const res = await http.call('GET', '/stock', {
        route: 'GET /stock',
        check: stockItems,
        keys: skus.length,
        query: { skus: idList(skus) },
        trace,
        signal,
      });
      if (!res.ok) throw unexpectedStatus(http.service, 'GET /stock', res.status);
      return { value: res.value.items, maxAgeSeconds: res.maxAgeSeconds };
    },
  };
}
