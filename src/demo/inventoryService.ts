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

import type { DownstreamStockLevel } from '../downstream/types';
import { CACHE, isReply, ok, parseBatch, type ServiceDefinition } from './httpKit';
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
          const items: DownstreamStockLevel[] = [];
          for (const sku of skus ?? []) {
            const level = data.stockBySku.get(sku);
            if (level) items.push(level);
          }
          return ok(JSON.stringify({ items }), CACHE.stock);
        },
      },
    ],
  };
}
