/* eslint-disable */
import * as types from './graphql';
import { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "subscription MobileOrderPlaced {\n  myOrderPlaced {\n    id\n    status\n    total {\n      formatted\n    }\n  }\n}": typeof types.MobileOrderPlacedDocument,
    "subscription MobileProductStock($productIds: [ID!]!) {\n  stockChanged(productIds: $productIds) {\n    productId\n    availability {\n      inStock\n      quantity\n    }\n  }\n}": typeof types.MobileProductStockDocument,
    "query MobileHome {\n  home {\n    featured {\n      ...ProductCard\n    }\n    categories {\n      id\n      name\n    }\n    recentOrders {\n      id\n      status\n      placedAt\n      total {\n        formatted\n      }\n    }\n  }\n}\n\nfragment ProductCard on Product {\n  id\n  name\n  price {\n    formatted\n  }\n  image(size: THUMB) {\n    url\n    width\n    height\n  }\n  rating {\n    average\n  }\n  availability {\n    inStock\n  }\n}": typeof types.MobileHomeDocument,
    "mutation MobilePlaceOrder($input: PlaceOrderInput!) {\n  placeOrder(input: $input) {\n    __typename\n    ... on PlaceOrderSuccess {\n      order {\n        id\n        status\n        total {\n          formatted\n        }\n      }\n    }\n    ... on OutOfStock {\n      message\n      sku\n      available\n    }\n    ... on InvalidInput {\n      message\n      field\n    }\n    ... on NotSignedIn {\n      message\n    }\n  }\n}": typeof types.MobilePlaceOrderDocument,
    "query MobileProduct($id: ID!) {\n  product(id: $id) {\n    id\n    name\n    brand\n    summary\n    price {\n      amount\n      currency\n      formatted\n    }\n    image(size: LARGE) {\n      url\n      width\n      height\n      alt\n    }\n    availability {\n      inStock\n      restockDate\n    }\n    rating {\n      average\n      count\n    }\n    topReviews(first: 3) {\n      id\n      rating\n      title\n      author {\n        displayName\n      }\n    }\n  }\n}": typeof types.MobileProductDocument,
    "query MobileSearch($search: String!, $first: Int = 20, $after: String) {\n  products(search: $search, first: $first, after: $after) {\n    edges {\n      node {\n        id\n        name\n        price {\n          formatted\n        }\n        image(size: THUMB) {\n          url\n          width\n          height\n        }\n        rating {\n          average\n        }\n        availability {\n          inStock\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": typeof types.MobileSearchDocument,
};
const documents: Documents = {
    "subscription MobileOrderPlaced {\n  myOrderPlaced {\n    id\n    status\n    total {\n      formatted\n    }\n  }\n}": types.MobileOrderPlacedDocument,
    "subscription MobileProductStock($productIds: [ID!]!) {\n  stockChanged(productIds: $productIds) {\n    productId\n    availability {\n      inStock\n      quantity\n    }\n  }\n}": types.MobileProductStockDocument,
    "query MobileHome {\n  home {\n    featured {\n      ...ProductCard\n    }\n    categories {\n      id\n      name\n    }\n    recentOrders {\n      id\n      status\n      placedAt\n      total {\n        formatted\n      }\n    }\n  }\n}\n\nfragment ProductCard on Product {\n  id\n  name\n  price {\n    formatted\n  }\n  image(size: THUMB) {\n    url\n    width\n    height\n  }\n  rating {\n    average\n  }\n  availability {\n    inStock\n  }\n}": types.MobileHomeDocument,
    "mutation MobilePlaceOrder($input: PlaceOrderInput!) {\n  placeOrder(input: $input) {\n    __typename\n    ... on PlaceOrderSuccess {\n      order {\n        id\n        status\n        total {\n          formatted\n        }\n      }\n    }\n    ... on OutOfStock {\n      message\n      sku\n      available\n    }\n    ... on InvalidInput {\n      message\n      field\n    }\n    ... on NotSignedIn {\n      message\n    }\n  }\n}": types.MobilePlaceOrderDocument,
    "query MobileProduct($id: ID!) {\n  product(id: $id) {\n    id\n    name\n    brand\n    summary\n    price {\n      amount\n      currency\n      formatted\n    }\n    image(size: LARGE) {\n      url\n      width\n      height\n      alt\n    }\n    availability {\n      inStock\n      restockDate\n    }\n    rating {\n      average\n      count\n    }\n    topReviews(first: 3) {\n      id\n      rating\n      title\n      author {\n        displayName\n      }\n    }\n  }\n}": types.MobileProductDocument,
    "query MobileSearch($search: String!, $first: Int = 20, $after: String) {\n  products(search: $search, first: $first, after: $after) {\n    edges {\n      node {\n        id\n        name\n        price {\n          formatted\n        }\n        image(size: THUMB) {\n          url\n          width\n          height\n        }\n        rating {\n          average\n        }\n        availability {\n          inStock\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": types.MobileSearchDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription MobileOrderPlaced {\n  myOrderPlaced {\n    id\n    status\n    total {\n      formatted\n    }\n  }\n}"): (typeof documents)["subscription MobileOrderPlaced {\n  myOrderPlaced {\n    id\n    status\n    total {\n      formatted\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription MobileProductStock($productIds: [ID!]!) {\n  stockChanged(productIds: $productIds) {\n    productId\n    availability {\n      inStock\n      quantity\n    }\n  }\n}"): (typeof documents)["subscription MobileProductStock($productIds: [ID!]!) {\n  stockChanged(productIds: $productIds) {\n    productId\n    availability {\n      inStock\n      quantity\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query MobileHome {\n  home {\n    featured {\n      ...ProductCard\n    }\n    categories {\n      id\n      name\n    }\n    recentOrders {\n      id\n      status\n      placedAt\n      total {\n        formatted\n      }\n    }\n  }\n}\n\nfragment ProductCard on Product {\n  id\n  name\n  price {\n    formatted\n  }\n  image(size: THUMB) {\n    url\n    width\n    height\n  }\n  rating {\n    average\n  }\n  availability {\n    inStock\n  }\n}"): (typeof documents)["query MobileHome {\n  home {\n    featured {\n      ...ProductCard\n    }\n    categories {\n      id\n      name\n    }\n    recentOrders {\n      id\n      status\n      placedAt\n      total {\n        formatted\n      }\n    }\n  }\n}\n\nfragment ProductCard on Product {\n  id\n  name\n  price {\n    formatted\n  }\n  image(size: THUMB) {\n    url\n    width\n    height\n  }\n  rating {\n    average\n  }\n  availability {\n    inStock\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation MobilePlaceOrder($input: PlaceOrderInput!) {\n  placeOrder(input: $input) {\n    __typename\n    ... on PlaceOrderSuccess {\n      order {\n        id\n        status\n        total {\n          formatted\n        }\n      }\n    }\n    ... on OutOfStock {\n      message\n      sku\n      available\n    }\n    ... on InvalidInput {\n      message\n      field\n    }\n    ... on NotSignedIn {\n      message\n    }\n  }\n}"): (typeof documents)["mutation MobilePlaceOrder($input: PlaceOrderInput!) {\n  placeOrder(input: $input) {\n    __typename\n    ... on PlaceOrderSuccess {\n      order {\n        id\n        status\n        total {\n          formatted\n        }\n      }\n    }\n    ... on OutOfStock {\n      message\n      sku\n      available\n    }\n    ... on InvalidInput {\n      message\n      field\n    }\n    ... on NotSignedIn {\n      message\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query MobileProduct($id: ID!) {\n  product(id: $id) {\n    id\n    name\n    brand\n    summary\n    price {\n      amount\n      currency\n      formatted\n    }\n    image(size: LARGE) {\n      url\n      width\n      height\n      alt\n    }\n    availability {\n      inStock\n      restockDate\n    }\n    rating {\n      average\n      count\n    }\n    topReviews(first: 3) {\n      id\n      rating\n      title\n      author {\n        displayName\n      }\n    }\n  }\n}"): (typeof documents)["query MobileProduct($id: ID!) {\n  product(id: $id) {\n    id\n    name\n    brand\n    summary\n    price {\n      amount\n      currency\n      formatted\n    }\n    image(size: LARGE) {\n      url\n      width\n      height\n      alt\n    }\n    availability {\n      inStock\n      restockDate\n    }\n    rating {\n      average\n      count\n    }\n    topReviews(first: 3) {\n      id\n      rating\n      title\n      author {\n        displayName\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query MobileSearch($search: String!, $first: Int = 20, $after: String) {\n  products(search: $search, first: $first, after: $after) {\n    edges {\n      node {\n        id\n        name\n        price {\n          formatted\n        }\n        image(size: THUMB) {\n          url\n          width\n          height\n        }\n        rating {\n          average\n        }\n        availability {\n          inStock\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"): (typeof documents)["query MobileSearch($search: String!, $first: Int = 20, $after: String) {\n  products(search: $search, first: $first, after: $after) {\n    edges {\n      node {\n        id\n        name\n        price {\n          formatted\n        }\n        image(size: THUMB) {\n          url\n          width\n          height\n        }\n        rating {\n          average\n        }\n        availability {\n          inStock\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;