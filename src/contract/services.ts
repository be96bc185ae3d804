/**
 * The six downstream services the contract names, and where each one lives.
 */
export type ServiceName =
  | 'catalog'
  | 'inventory'
  | 'reviews'
  | 'accounts'
  | 'orders'
  | 'recommendations';

export const SERVICE_NAMES: readonly ServiceName[] = [
  'catalog',
  'inventory',
  'reviews',
  'accounts',
  'orders',
  'recommendations',
];

export type ServiceUrls = Record<ServiceName, string>;
