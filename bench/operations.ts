/**
 * The six contract queries the benchmark drives, with what each one costs at
 * best: its critical path (levels of downstream calls that must wait for an
 * earlier one) and its minimum downstream calls with nothing cached.
 *
 * Why here and not derived: these are the targets the measurements are held
 * against, so they are written down, once, next to the reasoning:
 *
 * | operation          | levels | level 1 (at once)                                          | level 2 (needs level 1)                                         | min calls |
 * |--------------------|--------|------------------------------------------------------------|-----------------------------------------------------------------|-----------|
 * | WebProductPage     | 2      | product, reviews page, rating, recommendations, categories | stock, reviewers, recommended products, their ratings           | 8         |
 * | WebCategoryListing | 2      | listing, categories                                        | stock, ratings                                                  | 4         |
 * | WebAccountOrders   | 2      | user, orders page                                          | products of the order lines                                     | 3         |
 * | MobileHome         | 2      | newest products, categories                                | stock, ratings                                                  | 4         |
 * | MobileProduct      | 2      | product, rating, top reviews                               | stock, review authors                                           | 5         |
 * | MobileSearch       | 2      | listing                                                    | stock, ratings                                                  | 3         |
 *
 * WebProductPage's product rating waits for the recommendations so that one
 * ratings batch covers both (README: "Downstream calls per contract
 * operation"); it is still on level 2. The minimum calls are those of
 * test/downstreamCalls.test.ts. Mutations are not benchmarked: they change
 * stock and would drain it.
 *
 * Request bodies are built once per operation as a prefix
 * (`{"operationName":…,"query":…,"variables":`) so that rotating arguments
 * costs the load generator one small JSON.stringify per request.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const OPERATION_NAMES = ['WebProductPage', 'WebCategoryListing', 'WebAccountOrders', 'MobileHome', 'MobileProduct', 'MobileSearch'] as const;
export type OperationName = (typeof OPERATION_NAMES)[number];

export interface OperationSpec {
  name: OperationName;
  frontend: 'web' | 'mobile';
  /** `/graphql/web` or `/graphql/mobile`. */
  path: string;
  /** Levels of downstream calls on the critical path. */
  levels: number;
  /** What each level fetches, for the report. */
  criticalPath: string;
  /** Fewest downstream calls one request can make with nothing cached. */
  minColdCalls: number;
  /** Needs `Authorization: Bearer <token>` (WebAccountOrders). */
  signedIn: boolean;
  /** Warm CPU per request is held against the 0.35 ms target (report.ts WARM_CPU_LIMIT_MS). */
  warmCpuTarget: boolean;
  /** The response-cached req/s is held against half the bare node:http server's (report.ts CACHED_SHARE_OF_BARE). */
  cachedShareTarget: boolean;
  /** The cold p50 with the services at 0 ms is held against COLD_ZERO_P50_LIMIT_MS (report.ts). */
  coldZeroTarget: boolean;
  /** The example variables of operations/variables.json (warm and cached runs). */
  exampleVariables: Record<string, unknown>;
  /** Request body for `variables`. */
  body(variables: Record<string, unknown>): string;
}

const TABLE: Record<OperationName, Pick<OperationSpec, 'frontend' | 'levels' | 'criticalPath' | 'minColdCalls' | 'signedIn' | 'warmCpuTarget' | 'cachedShareTarget' | 'coldZeroTarget'>> = {
  WebProductPage: {
    frontend: 'web',
    levels: 2,
    criticalPath: 'product, reviews, rating, recommendations, categories → stock, reviewers, recommended products, their ratings',
    minColdCalls: 8,
    signedIn: false,
    warmCpuTarget: true,
    cachedShareTarget: true,
    coldZeroTarget: true,
  },
  WebCategoryListing: { frontend: 'web', levels: 2, criticalPath: 'listing, categories → stock, ratings', minColdCalls: 4, signedIn: false, warmCpuTarget: true, cachedShareTarget: true, coldZeroTarget: false },
  WebAccountOrders: { frontend: 'web', levels: 2, criticalPath: 'user, orders → products', minColdCalls: 3, signedIn: true, warmCpuTarget: false, cachedShareTarget: false, coldZeroTarget: false },
  MobileHome: { frontend: 'mobile', levels: 2, criticalPath: 'newest products, categories → stock, ratings', minColdCalls: 4, signedIn: false, warmCpuTarget: true, cachedShareTarget: false, coldZeroTarget: false },
  MobileProduct: { frontend: 'mobile', levels: 2, criticalPath: 'product, rating, top reviews → stock, authors', minColdCalls: 5, signedIn: false, warmCpuTarget: false, cachedShareTarget: false, coldZeroTarget: false },
  MobileSearch: { frontend: 'mobile', levels: 2, criticalPath: 'listing → stock, ratings', minColdCalls: 3, signedIn: false, warmCpuTarget: false, cachedShareTarget: false, coldZeroTarget: false },
};

export function loadOperations(root: string, only: readonly string[] | null): OperationSpec[] {
  if (only) {
    const unknown = only.filter((n) => !(OPERATION_NAMES as readonly string[]).includes(n));
    if (unknown.length > 0) throw new Error(`--only: unknown operation ${unknown.join(', ')}; choose from ${OPERATION_NAMES.join(', ')}`);
  }
  const examples = JSON.parse(readFileSync(join(root, 'operations', 'variables.json'), 'utf8')) as Record<string, Record<string, unknown>>;
  return OPERATION_NAMES.filter((name) => !only || only.includes(name)).map((name) => {
    const row = TABLE[name];
    const document = readFileSync(join(root, 'operations', row.frontend, `${name}.graphql`), 'utf8');
    const prefix = `{"operationName":${JSON.stringify(name)},"query":${JSON.stringify(document)},"variables":`;
    return {
      name,
      ...row,
      path: `/graphql/${row.frontend}`,
      exampleVariables: examples[name] ?? {},
      body: (variables) => `${prefix}${JSON.stringify(variables)}}`,
    };
  });
}

/** The critical-path bound: no gateway can answer faster than one service latency per level. */
export function criticalPathBoundMs(op: OperationSpec, latencyMs: number): number {
  return op.levels * latencyMs;
}
