/**
 * The inventory service: stock levels by SKU.
 *
 * Why so small: stock is the one catalog-side value that changes (the orders
 * service reserves stock in the same in-process store, `DemoData.stockBySku`),
 * so it is serialized per request instead of cached, with a short
 * `Cache-Control: max-age=5`.
 *
 *   GET /stock?skus=a,b,c   batch (max 100), unknown SKUs left out
 */

import { batchBody, parseBatch } from './listReads';
import { CACHE, isReply, ok } from './replies';
import type { ServiceDefinition } from './routes';
import type { DemoData } from './seed';

export function createInventoryService(data: DemoData): ServiceDefinition {
  return {
    name: 'inventory',
    routes: [
      {
        method: 'GET',
        path: '/stock',
        handle({ query }) {
          const skus = parseBatch(query, 'skus', true);
          if (isReply(skus)) return skus;
          // Stock levels are live (orders change them): serialised fresh, never from the JSON cache.
          return ok(batchBody(skus ?? [], (sku) => data.stockBySku.get(sku), (level) => JSON.stringify(level)), CACHE.stock);
        },
      },
    ],
  };
}
