/**
 * The catalog service: products (one, a batch, or a filtered listing) and the
 * category tree. See `GET /products`, `GET /products/{id}`, `GET /categories`
 * in the contract.
 */
import { unexpectedStatus } from '../errors/catalogue';
import { idList, segment } from './paths';
import { isProductId } from '../contract/ids';
import type { CallTrace, Fetched } from './call';
import type { ServiceHttp } from './serviceHttp';
import type { DownstreamCategory, DownstreamPage, DownstreamProduct } from '../contract/payloads';
import { category, items, page, product } from '../contract/validate';

const productItems = items(product);
const productPage = page(product);
const categoryItems = items(category);

export interface ProductListingQuery {
  categoryId?: string;
  /** Case-insensitive match on name or brand, at most 200 characters. */
  search?: string;
  cursor?: string;
  limit: number;
}

export type CatalogClient = ReturnType<typeof createCatalogClient>;

export function createCatalogClient(http: ServiceHttp) {
  return {
    /** Products by id (at most 100); unknown ids are left out. */
    async productsByIds(ids: readonly string[], trace?: CallTrace, signal?: AbortSignal): Promise<Fetched<DownstreamProduct[]>> {
      const valid = ids.filter(isProductId);
      if (valid.length === 0) return { value: [], maxAgeSeconds: null };
      const res = await http.call('GET', '/products', {
        route: 'GET /products?ids',
        check: productItems,
        keys: valid.length,
        query: { ids: idList(valid) },
        trace,
        signal,
      });
      if (!res.ok) throw unexpectedStatus(http.service, 'GET /products?ids', res.status);
      return { value: res.value.items, maxAgeSeconds: res.maxAgeSeconds };
    },

    /** One product, or null when it does not exist. */
    async product(id: string, trace?: CallTrace): Promise<DownstreamProduct | null> {
      if (!isProductId(id)) return null;
      const res = await http.call('GET', `/products/${segment(id)}`, {
        route: 'GET /products/{id}',
        check: product,
        trace,
      });
      if (res.ok) return res.value;
      if (res.status === 404) return null;
      throw unexpectedStatus(http.service, 'GET /products/{id}', res.status);
    },

    /** A page of the listing, newest first. A 400 (bad cursor) is the caller's input error. */
    async listProducts(query: ProductListingQuery, trace?: CallTrace, signal?: AbortSignal): Promise<Fetched<DownstreamPage<DownstreamProduct>> | { rejected: string }> {
      const res = await http.call('GET', '/products', {
        route: 'GET /products',
        check: productPage,
        query: { categoryId: query.categoryId, q: query.search, cursor: query.cursor, limit: query.limit },
        trace,
        signal,
      });
      if (res.ok) return { value: res.value, maxAgeSeconds: res.maxAgeSeconds };
      if (res.status === 400) return { rejected: res.error.message || 'the listing parameters were rejected' };
      throw unexpectedStatus(http.service, 'GET /products', res.status);
    },

    /** The whole category tree, flattened. */
    async categories(trace?: CallTrace, signal?: AbortSignal): Promise<Fetched<DownstreamCategory[]>> {
      const res = await http.call('GET', '/categories', { route: 'GET /categories', check: categoryItems, trace, signal });
      if (!res.ok) throw unexpectedStatus(http.service, 'GET /categories', res.status);
      return { value: res.value.items, maxAgeSeconds: res.maxAgeSeconds };
    },
  };
}
