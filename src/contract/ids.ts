/**
 * The contract's identifier patterns and batch size.
 *
 * Why here: an id is the one piece of client input that ends up inside a
 * downstream path. The gateway checks ids against these patterns before any
 * URL is built (a bad id is rejected at the edge, or simply matches nothing),
 * and the demo services enforce the same patterns, as real services do.
 */
export const PRODUCT_ID_PATTERN = /^p-[0-9]{4,8}$/;
export const USER_ID_PATTERN = /^u-[0-9]{4,8}$/;

/** Batch size the contract allows for every `ids`/`skus`/`productIds` list. */
export const MAX_BATCH = 100;

export function isProductId(id: string): boolean {
  return PRODUCT_ID_PATTERN.test(id);
}

export function isUserId(id: string): boolean {
  return USER_ID_PATTERN.test(id);
}
