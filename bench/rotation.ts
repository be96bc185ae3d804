/**
 * The request bodies each run cycles through.
 *
 * Why rotate: a cold run must measure the uncached path, so no request may
 * repeat another's ids (products p-0001…p-5000 in turn, categories
 * c-001…c-040 first pages, search words from the demo's product names, users
 * u-0001…u-1000 each with their own pre-generated token). Warm and cached
 * runs repeat the example variables of operations/variables.json on purpose.
 *
 * Why probe the demo first: a product without reviews needs no reviewers
 * batch (7 calls instead of 8 for WebProductPage, 4 instead of 5 for
 * MobileProduct), a user without orders needs no products batch (2 instead
 * of 3), and a search word that matches nothing needs no stock or ratings.
 * Rotating over those would make "calls per request = minimum" false for a
 * reason that is not the gateway's. So the ids are checked against the demo
 * services' own routes (with their latency knob at 0 for the probe, then
 * restored and the request log cleared) and only those whose minimum is the
 * documented one are used; the report says how many were left out.
 */
import { request } from 'undici';
import { DEVELOPMENT_JWT_SECRET } from '../src/config';
import { developmentToken } from '../src/context/developmentToken';
import type { LoadRequest, Rotation } from './load';
import type { OperationSpec } from './operations';
import type { ServiceUrls } from './processes';

/**
 * Words that occur in the demo's product names (src/demo/seed.ts: the
 * MATERIALS list and the category nouns), lower case: the search is a
 * case-insensitive substring match over name and brand.
 */
export const SEARCH_WORDS = [
  'brass', 'oak', 'walnut', 'linen', 'ceramic', 'marble', 'copper', 'matte black', 'stoneware', 'rattan', 'velvet', 'steel',
  'terracotta', 'smoked glass', 'bamboo', 'wool', 'cotton', 'teak', 'concrete', 'birch', 'porcelain', 'jute', 'chrome',
  'lamp', 'pendant', 'sconce', 'chair', 'stool', 'table', 'shelf', 'sofa', 'daybed', 'pan', 'oven', 'bowl', 'mug', 'knife',
  'jar', 'rack', 'duvet', 'rug', 'curtain', 'cushion', 'pillow', 'vase', 'mirror', 'clock', 'candle', 'lantern', 'hammock',
  'planter', 'grill', 'desk', 'notebook', 'towel', 'mat', 'shower', 'dispenser',
];

export interface ColdInputs {
  productIds: string[];
  categoryIds: string[];
  searchWords: string[];
  users: { id: string; token: string }[];
  /** What the probe left out, and why. */
  excluded: { productsWithoutReviews: number; usersWithoutOrders: number; wordsWithoutResults: string[] };
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
export const PRODUCT_IDS = Array.from({ length: 5000 }, (_, i) => `p-${pad(i + 1, 4)}`);
export const CATEGORY_IDS = Array.from({ length: 40 }, (_, i) => `c-${pad(i + 1, 3)}`);
export const USER_IDS = Array.from({ length: 1000 }, (_, i) => `u-${pad(i + 1, 4)}`);

async function getJson(url: string, headers: Record<string, string> = {}): Promise<any> {
  const res = await request(url, { headers });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`${url}: HTTP ${res.statusCode} ${text.slice(0, 200)}`);
  return JSON.parse(text);
}

async function send(method: 'PUT' | 'DELETE', url: string, body?: unknown): Promise<void> {
  const res = await request(url, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  await res.body.dump();
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: HTTP ${res.statusCode}`);
}

/** `test` over every item, 32 at a time; the items for which it is true, in order. */
async function filterConcurrently<T>(items: readonly T[], test: (item: T) => Promise<boolean>): Promise<T[]> {
  const keep = new Array<boolean>(items.length).fill(false);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      keep[i] = await test(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  return items.filter((_, i) => keep[i]);
}

export async function prepareColdInputs(urls: ServiceUrls, latencyMs: number): Promise<ColdInputs> {
  await send('PUT', `${urls.catalog}/__demo/knobs?scope=all`, { latencyMs: 0 });
  try {
    const productIds = await filterConcurrently(PRODUCT_IDS, async (id) => {
      const page = await getJson(`${urls.reviews}/products/${id}/reviews?limit=1`);
      return Array.isArray(page.items) && page.items.length > 0;
    });
    const userIds = await filterConcurrently(USER_IDS, async (id) => {
      const page = await getJson(`${urls.orders}/users/${id}/orders?limit=1`, { 'x-user-id': id });
      return Array.isArray(page.items) && page.items.length > 0;
    });
    const searchWords = await filterConcurrently(SEARCH_WORDS, async (word) => {
      const page = await getJson(`${urls.catalog}/products?q=${encodeURIComponent(word)}&limit=1`);
      return Array.isArray(page.items) && page.items.length > 0;
    });
    // Tokens signed like `npm run token` does: the gateway runs without JWT_SECRET, so with the development secret.
    const users = await Promise.all(userIds.map(async (id) => ({ id, token: await developmentToken(id, DEVELOPMENT_JWT_SECRET, 24 * 3600) })));
    if (productIds.length === 0 || users.length === 0 || searchWords.length === 0) throw new Error('the demo services returned no usable ids');
    return {
      productIds,
      categoryIds: CATEGORY_IDS,
      searchWords,
      users,
      excluded: {
        productsWithoutReviews: PRODUCT_IDS.length - productIds.length,
        usersWithoutOrders: USER_IDS.length - users.length,
        wordsWithoutResults: SEARCH_WORDS.filter((w) => !searchWords.includes(w)),
      },
    };
  } finally {
    await send('PUT', `${urls.catalog}/__demo/knobs?scope=all`, { latencyMs });
    await send('DELETE', `${urls.catalog}/__demo/requests?scope=all`);
  }
}

/** A token for the example user of the warm and cached runs (u-0001, 15 orders). */
export function exampleToken(): Promise<string> {
  return developmentToken('u-0001', DEVELOPMENT_JWT_SECRET, 24 * 3600);
}

function cycle<T>(items: readonly T[], make: (item: T) => LoadRequest): Rotation {
  let i = 0;
  return {
    size: items.length,
    next() {
      const item = items[i] as T;
      i = (i + 1) % items.length;
      return make(item);
    },
  };
}

/** Cold: a new id on every request, continuing across runs of the same operation. */
export function coldRotation(op: OperationSpec, inputs: ColdInputs): Rotation {
  const at = (variables: Record<string, unknown>, authorization?: string): LoadRequest => ({
    path: op.path,
    body: op.body(variables),
    ...(authorization ? { authorization } : {}),
  });
  switch (op.name) {
    case 'WebProductPage':
      return cycle(inputs.productIds, (id) => at({ id, reviewsFirst: 10 }));
    case 'MobileProduct':
      return cycle(inputs.productIds, (id) => at({ id }));
    case 'WebCategoryListing':
      return cycle(inputs.categoryIds, (categoryId) => at({ categoryId, first: 24 }));
    case 'MobileSearch':
      return cycle(inputs.searchWords, (search) => at({ search, first: 20 }));
    case 'WebAccountOrders':
      return cycle(inputs.users, (user) => at({ first: 10 }, `Bearer ${user.token}`));
    case 'MobileHome':
      return cycle([null], () => at({})); // no arguments: the same request every time
  }
}

/** Warm and cached: the example variables, every time. */
export function exampleRotation(op: OperationSpec, token: string): Rotation {
  const fixed: LoadRequest = { path: op.path, body: op.body(op.exampleVariables), ...(op.signedIn ? { authorization: `Bearer ${token}` } : {}) };
  return { size: 1, next: () => fixed };
}

/** Mixed load for the memory soak: the operations in turn, each with its own cold rotation (so caches fill). */
/** Requests after which a mixedRotation of `rotations` has sent every request of each at least once. */
export function fullPass(rotations: readonly Rotation[]): number {
  return rotations.length * Math.max(0, ...rotations.map((r) => r.size));
}

export function mixedRotation(rotations: readonly Rotation[]): Rotation {
  let i = 0;
  return {
    size: rotations.reduce((sum, r) => sum + r.size, 0),
    next() {
      const r = rotations[i] as Rotation;
      i = (i + 1) % rotations.length;
      return r.next();
    },
  };
}
