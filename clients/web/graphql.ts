/* eslint-disable */
import { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** An ISO-8601 calendar date without a time, e.g. 2026-12-01; sent and accepted as a string. */
  Date: { input: string; output: string; }
  /** An ISO-8601 date and time with its offset (`Z` or `±hh:mm`), e.g. 2026-11-24T10:00:00Z; sent and accepted as a string. */
  DateTime: { input: string; output: string; }
};

/** The signed-in user, with their personal data. */
export type Account = {
  __typename?: 'Account';
  /** Absolute URL of the user's avatar image. */
  avatarUrl: Scalars['String']['output'];
  /** The name the user is shown under to others. */
  displayName: Scalars['String']['output'];
  /** Personal data: only ever shown to the user themself, never logged or cached across users. */
  email: Scalars['String']['output'];
  /** User id: `u-` and 4 to 8 digits, e.g. `u-0001`; the bearer token's subject. */
  id: Scalars['ID']['output'];
  /** The day the account was created. */
  memberSince: Scalars['Date']['output'];
  /** The user's orders, newest first. */
  orders?: Maybe<OrderConnection>;
};


/** The signed-in user, with their personal data. */
export type AccountOrdersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** Stock of one product in the inventory service. Stock moves with every order: cached for 5 s only. */
export type Availability = {
  __typename?: 'Availability';
  /** True when at least one unit can be ordered now (`quantity` > 0). */
  inStock: Scalars['Boolean']['output'];
  /** Units that can be ordered now. */
  quantity: Scalars['Int']['output'];
  /** When an out-of-stock product is expected back, if known. */
  restockDate?: Maybe<Scalars['Date']['output']>;
};

/** Who may cache a response that contains a field: anyone (a CDN, the gateway's shared response cache) or only the user's own client. */
export enum CacheControlScope {
  /** The data belongs to the signed-in user: never stored by a shared cache; such responses are sent `private, no-store`. */
  Private = 'PRIVATE',
  /** Cacheable by shared caches: the data is the same for every user. */
  Public = 'PUBLIC'
}

/** A category of the catalog's tree. Categories change rarely: cached for 300 s. */
export type Category = {
  __typename?: 'Category';
  /** From the root category down to this one, inclusive. */
  breadcrumb: Array<Category>;
  /** The categories directly below this one; empty for a leaf. */
  children: Array<Category>;
  /** Category id, e.g. `c-012`. */
  id: Scalars['ID']['output'];
  /** Display name, e.g. Desk Lamps. */
  name: Scalars['String']['output'];
  /** The category one level up; null for a top-level category. */
  parent?: Maybe<Category>;
  /** URL-safe form of the name, for the shop's paths. */
  slug: Scalars['String']['output'];
};

/** What the app's first screen shows. Each list is null only when its own service cannot answer. */
export type Home = {
  __typename?: 'Home';
  /** The top-level categories. */
  categories?: Maybe<Array<Category>>;
  /** The newest products. */
  featured?: Maybe<Array<Product>>;
  /** The signed-in user's latest orders; empty when nobody is signed in. PRIVATE when someone is. */
  recentOrders?: Maybe<Array<Order>>;
};


/** What the app's first screen shows. Each list is null only when its own service cannot answer. */
export type HomeFeaturedArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** What the app's first screen shows. Each list is null only when its own service cannot answer. */
export type HomeRecentOrdersArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** A product image: a URL on the image CDN with its size in pixels. */
export type Image = {
  __typename?: 'Image';
  /** Alternative text for screen readers. */
  alt: Scalars['String']['output'];
  /** Height in pixels; a sized image keeps the original's aspect ratio. */
  height: Scalars['Int']['output'];
  /** Absolute URL of the image; a sized image asks the CDN for its width with `?w=N`. */
  url: Scalars['String']['output'];
  /** Width in pixels. */
  width: Scalars['Int']['output'];
};

/** Named widths the image CDN serves: THUMB 160, SMALL 320, MEDIUM 640, LARGE 1280 pixels. */
export enum ImageSize {
  /** 1280 pixels wide: the product screen's hero image. */
  Large = 'LARGE',
  /** 640 pixels wide: listing tiles; the default. */
  Medium = 'MEDIUM',
  /** 320 pixels wide: small cards, recommendations. */
  Small = 'SMALL',
  /** 160 pixels wide: list thumbnails, order lines. */
  Thumb = 'THUMB'
}

/** The input breaks a rule; `field` names it (e.g. `lines[0].quantity`). */
export type InvalidInput = {
  __typename?: 'InvalidInput';
  /** Path of the offending input field, e.g. `lines[0].quantity`, `rating`. */
  field: Scalars['String']['output'];
  /** The rule that was broken and the value received. */
  message: Scalars['String']['output'];
};

/** An amount of money. `formatted` follows the request's Accept-Language (default en-US). */
export type Money = {
  __typename?: 'Money';
  /** The amount in the currency's main unit, e.g. 19.99 (the services count in cents). */
  amount: Scalars['Float']['output'];
  /** ISO-4217 code, e.g. EUR. */
  currency: Scalars['String']['output'];
  /** e.g. €19.99 for en-US, 19,99 € for de-DE. A currency the runtime cannot format shows as `19.99 XYZ`. */
  formatted: Scalars['String']['output'];
};

/** The writes. Both need a signed-in user and return a result union: expected failures are data, not GraphQL errors. */
export type Mutation = {
  __typename?: 'Mutation';
  /** Places an order for the signed-in user. Expected failures are members of the result. */
  placeOrder: PlaceOrderResult;
  /** Writes, or replaces, the signed-in user's review of a product. */
  submitReview: SubmitReviewResult;
};


/** The writes. Both need a signed-in user and return a result union: expected failures are data, not GraphQL errors. */
export type MutationPlaceOrderArgs = {
  input: PlaceOrderInput;
};


/** The writes. Both need a signed-in user and return a result union: expected failures are data, not GraphQL errors. */
export type MutationSubmitReviewArgs = {
  input: SubmitReviewInput;
};

/** The operation needs a signed-in user (a valid bearer token). */
export type NotSignedIn = {
  __typename?: 'NotSignedIn';
  /** A sentence for the user, e.g. Sign in to place an order. */
  message: Scalars['String']['output'];
};

/** An order of the signed-in user. Private: reached only through the signed-in user (`me`, the app's `home`) or a mutation's result. */
export type Order = {
  __typename?: 'Order';
  /** Order id, e.g. `o-000001`. */
  id: Scalars['ID']['output'];
  /** What was ordered, one line per product. */
  lines: Array<OrderLine>;
  /** When the order was placed. */
  placedAt: Scalars['DateTime']['output'];
  /** Where the order is in its life. */
  status: OrderStatus;
  /** What the order costs in all, in the order's currency. */
  total: Money;
};

/** A page of the signed-in user's orders (Relay connection). */
export type OrderConnection = {
  __typename?: 'OrderConnection';
  /** The page's orders, newest first; at most `first`. */
  edges: Array<OrderEdge>;
  /** Where this page is in the order history. */
  pageInfo: PageInfo;
};

/** One order of a page, with its position. */
export type OrderEdge = {
  __typename?: 'OrderEdge';
  /** Opaque position of this order in the history; pass as `after` to continue after it. */
  cursor: Scalars['String']['output'];
  /** The order. */
  node: Order;
};

/** One product of an order, at the price it was ordered for. */
export type OrderLine = {
  __typename?: 'OrderLine';
  /** Null when the product is no longer in the catalog. */
  product?: Maybe<Product>;
  /** Units ordered, 1 to 99. */
  quantity: Scalars['Int']['output'];
  /** The product's SKU when it was ordered. */
  sku: Scalars['String']['output'];
  /** Price of one unit when it was ordered, in the order's currency. */
  unitPrice: Money;
};

/** One line of an order to place. */
export type OrderLineInput = {
  /** The product to order: `p-` and 4 to 8 digits, e.g. `p-0001`. */
  productId: Scalars['ID']['input'];
  /** 1 to 99. */
  quantity: Scalars['Int']['input'];
};

/** Where an order is in its life. */
export enum OrderStatus {
  /** Cancelled; nothing is or will be shipped. */
  Cancelled = 'CANCELLED',
  /** Received by the customer. */
  Delivered = 'DELIVERED',
  /** Accepted; the stock is reserved. */
  Placed = 'PLACED',
  /** Handed to the carrier. */
  Shipped = 'SHIPPED'
}

/** Not enough stock for one line; nothing was reserved. */
export type OutOfStock = {
  __typename?: 'OutOfStock';
  /** Units of that SKU that can be ordered now. */
  available: Scalars['Int']['output'];
  /** A sentence for the user. */
  message: Scalars['String']['output'];
  /** The SKU of the line that could not be served. */
  sku: Scalars['String']['output'];
};

/** Relay pagination: pass `endCursor` as `after` to get the next page. */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** Cursor of the page's last edge, to pass as `after`; null for an empty page. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** True when there are items after this page. */
  hasNextPage: Scalars['Boolean']['output'];
  /** True when this page did not start at the beginning of the list (an `after` was given). */
  hasPreviousPage: Scalars['Boolean']['output'];
  /** Cursor of the page's first edge; null for an empty page. */
  startCursor?: Maybe<Scalars['String']['output']>;
};

/** An order to place for the signed-in user; its rules are checked before any stock is reserved. */
export type PlaceOrderInput = {
  /** Repeating a key (within 24 h) returns the first result instead of ordering twice. At most 128 characters. */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** 1 to 50 lines. */
  lines: Array<OrderLineInput>;
};

/** What `placeOrder` did: the placed order, or why nothing was ordered. */
export type PlaceOrderResult = InvalidInput | NotSignedIn | OutOfStock | PlaceOrderSuccess;

/** The order was placed and its stock reserved. */
export type PlaceOrderSuccess = {
  __typename?: 'PlaceOrderSuccess';
  /** The new order (or, for a repeated idempotency key, the order the key placed first). */
  order: Order;
};

/** A product of the catalog, with its stock, rating and related products from their own services. */
export type Product = {
  __typename?: 'Product';
  /** Null when the inventory service does not know the SKU, or cannot answer. */
  availability?: Maybe<Availability>;
  /** The brand or maker. */
  brand: Scalars['String']['output'];
  /** The category the product is listed in; null when the catalog's tree no longer has it, or the catalog cannot answer. */
  category?: Maybe<Category>;
  /** Markdown. */
  description: Scalars['String']['output'];
  /** Product id: `p-` and 4 to 8 digits, e.g. `p-0001`. */
  id: Scalars['ID']['output'];
  /** The product's main image at a named size (`<url>?w=N`, height scaled to match); null without images. */
  image?: Maybe<Image>;
  /** Every image of the product, at original size. */
  images: Array<Image>;
  /** Display name. */
  name: Scalars['String']['output'];
  /** Price of one unit. */
  price: Money;
  /** Summary of the product's reviews (a product without reviews has count 0); null when the reviews service has no summary for the product or cannot answer. */
  rating?: Maybe<Rating>;
  /** Related products, best first. */
  recommendations?: Maybe<Array<Product>>;
  /** Reviews, newest first. `first` is at most 100. */
  reviews?: Maybe<ReviewConnection>;
  /** Stock-keeping unit, e.g. SKU-000001: the inventory's and the order lines' key. */
  sku: Scalars['String']['output'];
  /** Plain text, at most 200 characters, derived from the description. */
  summary: Scalars['String']['output'];
  /** The newest reviews, at most 20. */
  topReviews?: Maybe<Array<Review>>;
};


/** A product of the catalog, with its stock, rating and related products from their own services. */
export type ProductImageArgs = {
  size?: ImageSize;
};


/** A product of the catalog, with its stock, rating and related products from their own services. */
export type ProductRecommendationsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** A product of the catalog, with its stock, rating and related products from their own services. */
export type ProductReviewsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** A product of the catalog, with its stock, rating and related products from their own services. */
export type ProductTopReviewsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** A page of products (Relay connection). */
export type ProductConnection = {
  __typename?: 'ProductConnection';
  /** The page's products, in the listing's order; at most `first`. */
  edges: Array<ProductEdge>;
  /** Where this page is in the listing. */
  pageInfo: PageInfo;
};

/** One product of a page, with its position. */
export type ProductEdge = {
  __typename?: 'ProductEdge';
  /** Opaque position of this product in the listing; pass as `after` to continue after it. */
  cursor: Scalars['String']['output'];
  /** The product. */
  node: Product;
};

/** The entry points for reading: products, categories and the signed-in user. */
export type Query = {
  __typename?: 'Query';
  /** Every category, the tree flattened (a few hundred at most), in the catalog's order. Null only when the catalog service cannot answer. */
  categories?: Maybe<Array<Category>>;
  /** One category by id; null when there is no such category. */
  category?: Maybe<Category>;
  /** The app's first screen: newest products, top-level categories and, when signed in, the latest orders. */
  home: Home;
  /** The signed-in user; null without a valid bearer token. Private: never cached by a shared cache. */
  me?: Maybe<Account>;
  /** One product by id (`p-0001`); null when there is no such product. A malformed id is BAD_USER_INPUT. */
  product?: Maybe<Product>;
  /**
   * Products, newest first: a category's (including its subcategories) or a
   * search's (case-insensitive match on name or brand), or all of them.
   * `first` is capped per frontend: 100 on web, 20 on mobile.
   * Null only when the catalog service cannot answer.
   */
  products?: Maybe<ProductConnection>;
};


/** The entry points for reading: products, categories and the signed-in user. */
export type QueryCategoryArgs = {
  id: Scalars['ID']['input'];
};


/** The entry points for reading: products, categories and the signed-in user. */
export type QueryProductArgs = {
  id: Scalars['ID']['input'];
};


/** The entry points for reading: products, categories and the signed-in user. */
export type QueryProductsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  categoryId?: InputMaybe<Scalars['ID']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  search?: InputMaybe<Scalars['String']['input']>;
};

/** A summary of a product's reviews. Cached for 30 s; a submitted review refreshes it at once. */
export type Rating = {
  __typename?: 'Rating';
  /** Average of the reviews' ratings (1–5); null without reviews. */
  average?: Maybe<Scalars['Float']['output']>;
  /** Number of reviews; 0 without reviews. */
  count: Scalars['Int']['output'];
};

/** A customer's review of a product. Cached for 30 s; a submitted review evicts its product's review pages. */
export type Review = {
  __typename?: 'Review';
  /** Null when the author's account no longer exists. */
  author?: Maybe<User>;
  /** The review's text, 1 to 5000 characters. */
  body: Scalars['String']['output'];
  /** When the review was written (or last replaced). */
  createdAt: Scalars['DateTime']['output'];
  /** Review id. */
  id: Scalars['ID']['output'];
  /** The reviewed product; null when it is no longer in the catalog. */
  product?: Maybe<Product>;
  /** Stars given, 1 to 5. */
  rating: Scalars['Int']['output'];
  /** Headline, 1 to 120 characters. */
  title: Scalars['String']['output'];
};

/** A page of a product's reviews (Relay connection), with the total count. */
export type ReviewConnection = {
  __typename?: 'ReviewConnection';
  /** The page's reviews, newest first; at most `first`. */
  edges: Array<ReviewEdge>;
  /** Where this page is in the product's reviews. */
  pageInfo: PageInfo;
  /** All reviews of the product, not just this page. */
  totalCount: Scalars['Int']['output'];
};

/** One review of a page, with its position. */
export type ReviewEdge = {
  __typename?: 'ReviewEdge';
  /** Opaque position of this review in the list; pass as `after` to continue after it. */
  cursor: Scalars['String']['output'];
  /** The review. */
  node: Review;
};

/** A product's stock after it changed, as `Subscription.stockChanged` pushes it. */
export type StockChange = {
  __typename?: 'StockChange';
  /** The stock now. */
  availability: Availability;
  /** The product itself; its fields load as in a query. Null when it is no longer in the catalog. */
  product?: Maybe<Product>;
  /** The product whose stock changed: `p-` and 4 to 8 digits. */
  productId: Scalars['ID']['output'];
};

/** A review to write; it replaces the user's earlier review of the same product. */
export type SubmitReviewInput = {
  /** 1 to 5000 characters. */
  body: Scalars['String']['input'];
  /** The reviewed product: `p-` and 4 to 8 digits, e.g. `p-0001`. */
  productId: Scalars['ID']['input'];
  /** 1 to 5. */
  rating: Scalars['Int']['input'];
  /** 1 to 120 characters. */
  title: Scalars['String']['input'];
};

/** What `submitReview` did: the stored review, or why nothing was stored. */
export type SubmitReviewResult = InvalidInput | NotSignedIn | SubmitReviewSuccess;

/** The review was stored; the product's rating already counts it. */
export type SubmitReviewSuccess = {
  __typename?: 'SubmitReviewSuccess';
  /** The reviewed product, to read its updated rating. */
  product: Product;
  /** The stored review. */
  review: Review;
};

/**
 * Live updates. Subscriptions run over WebSocket (the `graphql-transport-ws`
 * protocol of graphql-ws) at this same path, never over HTTP; see the README's
 * "Subscriptions" for the connection, its bearer token and its limits. Each
 * subscription pushes changes only: query the current state first.
 */
export type Subscription = {
  __typename?: 'Subscription';
  /**
   * Pushes each order the signed-in user places, through any gateway instance,
   * to that user's connections only. Needs a connection signed in with a bearer
   * token (SIGN_IN_REQUIRED otherwise).
   */
  myOrderPlaced: Order;
  /**
   * Pushes a product's new availability each time it changes: after an order
   * through any gateway instance (within milliseconds), or when the stock
   * poller sees it change outside the gateway (within one poll interval,
   * STOCK_POLL_INTERVAL_MS, 5 s by default). One event per product and change.
   */
  stockChanged: StockChange;
};


/**
 * Live updates. Subscriptions run over WebSocket (the `graphql-transport-ws`
 * protocol of graphql-ws) at this same path, never over HTTP; see the README's
 * "Subscriptions" for the connection, its bearer token and its limits. Each
 * subscription pushes changes only: query the current state first.
 */
export type SubscriptionStockChangedArgs = {
  productIds: Array<Scalars['ID']['input']>;
};

/** A user as other users see them: no personal data. */
export type User = {
  __typename?: 'User';
  /** Absolute URL of the user's avatar image. */
  avatarUrl: Scalars['String']['output'];
  /** The name the user chose to be shown under. */
  displayName: Scalars['String']['output'];
  /** User id: `u-` and 4 to 8 digits, e.g. `u-0001`. */
  id: Scalars['ID']['output'];
};

export type WebOrderPlacedSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type WebOrderPlacedSubscription = { __typename?: 'Subscription', myOrderPlaced: { __typename?: 'Order', id: string, status: OrderStatus, placedAt: string, total: { __typename?: 'Money', formatted: string }, lines: Array<{ __typename?: 'OrderLine', quantity: number, product?: { __typename?: 'Product', id: string, name: string } | null }> } };

export type WebProductStockSubscriptionVariables = Exact<{
  productIds: Array<Scalars['ID']['input']> | Scalars['ID']['input'];
}>;


export type WebProductStockSubscription = { __typename?: 'Subscription', stockChanged: { __typename?: 'StockChange', productId: string, availability: { __typename?: 'Availability', inStock: boolean, quantity: number, restockDate?: string | null } } };

export type WebAccountOrdersQueryVariables = Exact<{
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type WebAccountOrdersQuery = { __typename?: 'Query', me?: { __typename?: 'Account', id: string, displayName: string, email: string, orders?: { __typename?: 'OrderConnection', edges: Array<{ __typename?: 'OrderEdge', node: { __typename?: 'Order', id: string, status: OrderStatus, placedAt: string, total: { __typename?: 'Money', amount: number, currency: string, formatted: string }, lines: Array<{ __typename?: 'OrderLine', quantity: number, unitPrice: { __typename?: 'Money', formatted: string }, product?: { __typename?: 'Product', id: string, name: string, image?: { __typename?: 'Image', url: string } | null } | null }> } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } | null } | null };

export type WebCategoryListingQueryVariables = Exact<{
  categoryId?: InputMaybe<Scalars['ID']['input']>;
  search?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type WebCategoryListingQuery = { __typename?: 'Query', products?: { __typename?: 'ProductConnection', edges: Array<{ __typename?: 'ProductEdge', cursor: string, node: { __typename?: 'Product', id: string, name: string, brand: string, price: { __typename?: 'Money', amount: number, currency: string, formatted: string }, image?: { __typename?: 'Image', url: string, width: number, height: number, alt: string } | null, rating?: { __typename?: 'Rating', average?: number | null, count: number } | null, availability?: { __typename?: 'Availability', inStock: boolean } | null } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } | null, categories?: Array<{ __typename?: 'Category', id: string, name: string, slug: string, parent?: { __typename?: 'Category', id: string } | null }> | null };

export type WebPlaceOrderMutationVariables = Exact<{
  input: PlaceOrderInput;
}>;


export type WebPlaceOrderMutation = { __typename?: 'Mutation', placeOrder: { __typename: 'InvalidInput', message: string, field: string } | { __typename: 'NotSignedIn', message: string } | { __typename: 'OutOfStock', message: string, sku: string, available: number } | { __typename: 'PlaceOrderSuccess', order: { __typename?: 'Order', id: string, status: OrderStatus, total: { __typename?: 'Money', formatted: string }, lines: Array<{ __typename?: 'OrderLine', quantity: number, product?: { __typename?: 'Product', id: string, name: string, availability?: { __typename?: 'Availability', inStock: boolean, quantity: number } | null } | null }> } } };

export type WebProductPageQueryVariables = Exact<{
  id: Scalars['ID']['input'];
  reviewsFirst?: InputMaybe<Scalars['Int']['input']>;
  reviewsAfter?: InputMaybe<Scalars['String']['input']>;
}>;


export type WebProductPageQuery = { __typename?: 'Query', product?: { __typename?: 'Product', id: string, name: string, brand: string, description: string, price: { __typename?: 'Money', amount: number, currency: string, formatted: string }, images: Array<{ __typename?: 'Image', url: string, width: number, height: number, alt: string }>, category?: { __typename?: 'Category', id: string, name: string, breadcrumb: Array<{ __typename?: 'Category', id: string, name: string, slug: string }> } | null, availability?: { __typename?: 'Availability', inStock: boolean, quantity: number, restockDate?: string | null } | null, rating?: { __typename?: 'Rating', average?: number | null, count: number } | null, reviews?: { __typename?: 'ReviewConnection', totalCount: number, edges: Array<{ __typename?: 'ReviewEdge', cursor: string, node: { __typename?: 'Review', id: string, rating: number, title: string, body: string, createdAt: string, author?: { __typename?: 'User', id: string, displayName: string, avatarUrl: string } | null } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } | null, recommendations?: Array<{ __typename?: 'Product', id: string, name: string, price: { __typename?: 'Money', formatted: string }, image?: { __typename?: 'Image', url: string, width: number, height: number } | null, rating?: { __typename?: 'Rating', average?: number | null } | null }> | null } | null };

export type WebSubmitReviewMutationVariables = Exact<{
  input: SubmitReviewInput;
}>;


export type WebSubmitReviewMutation = { __typename?: 'Mutation', submitReview: { __typename: 'InvalidInput', message: string, field: string } | { __typename: 'NotSignedIn', message: string } | { __typename: 'SubmitReviewSuccess', review: { __typename?: 'Review', id: string, rating: number, title: string, body: string, author?: { __typename?: 'User', id: string, displayName: string } | null }, product: { __typename?: 'Product', id: string, rating?: { __typename?: 'Rating', average?: number | null, count: number } | null } } };


export const WebOrderPlacedDocument = {"__meta__":{"hash":"9f869968a6f0f248447286837154dde44b5ebc2fb5b443ec882d398ea52c5e7b"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"WebOrderPlaced"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"myOrderPlaced"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"placedAt"}},{"kind":"Field","name":{"kind":"Name","value":"total"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"formatted"}}]}},{"kind":"Field","name":{"kind":"Name","value":"lines"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"quantity"}},{"kind":"Field","name":{"kind":"Name","value":"product"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]} as unknown as DocumentNode<WebOrderPlacedSubscription, WebOrderPlacedSubscriptionVariables>;
export const WebProductStockDocument = {"__meta__":{"hash":"5837f4f0ef80bed1386f9ce2af8a6ca8e6c3b80eb2c1eb2e133d467d632cf847"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"WebProductStock"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"productIds"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"stockChanged"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"productIds"},"value":{"kind":"Variable","name":{"kind":"Name","value":"productIds"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"productId"}},{"kind":"Field","name":{"kind":"Name","value":"availability"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"inStock"}},{"kind":"Field","name":{"kind":"Name","value":"quantity"}},{"kind":"Field","name":{"kind":"Name","value":"restockDate"}}]}}]}}]}}]} as unknown as DocumentNode<WebProductStockSubscription, WebProductStockSubscriptionVariables>;
export const WebAccountOrdersDocument = {"__meta__":{"hash":"7dfe03df90b07523fc1db9f822a52241700984cb68cb969c620f36971090837b"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"WebAccountOrders"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"10"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"orders"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"placedAt"}},{"kind":"Field","name":{"kind":"Name","value":"total"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"formatted"}}]}},{"kind":"Field","name":{"kind":"Name","value":"lines"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"quantity"}},{"kind":"Field","name":{"kind":"Name","value":"unitPrice"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"formatted"}}]}},{"kind":"Field","name":{"kind":"Name","value":"product"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"image"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"size"},"value":{"kind":"EnumValue","value":"THUMB"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}}]}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]}}]} as unknown as DocumentNode<WebAccountOrdersQuery, WebAccountOrdersQueryVariables>;
export const WebCategoryListingDocument = {"__meta__":{"hash":"a80f0ea6987f9a70e7e72b0ffc9837e50893cefed662f3d73b28f7e50a1d3602"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"WebCategoryListing"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"categoryId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"search"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"24"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"products"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"categoryId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"categoryId"}}},{"kind":"Argument","name":{"kind":"Name","value":"search"},"value":{"kind":"Variable","name":{"kind":"Name","value":"search"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"brand"}},{"kind":"Field","name":{"kind":"Name","value":"price"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"formatted"}}]}},{"kind":"Field","name":{"kind":"Name","value":"image"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"size"},"value":{"kind":"EnumValue","value":"MEDIUM"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"alt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"rating"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"average"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}},{"kind":"Field","name":{"kind":"Name","value":"availability"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"inStock"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"categories"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"parent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]} as unknown as DocumentNode<WebCategoryListingQuery, WebCategoryListingQueryVariables>;
export const WebPlaceOrderDocument = {"__meta__":{"hash":"b304bd93e74e90f61a9c3d3d4831c491f663b96316553f03ea168a647c4e8b90"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"WebPlaceOrder"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"PlaceOrderInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"placeOrder"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PlaceOrderSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"order"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"total"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"formatted"}}]}},{"kind":"Field","name":{"kind":"Name","value":"lines"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"quantity"}},{"kind":"Field","name":{"kind":"Name","value":"product"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"availability"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"inStock"}},{"kind":"Field","name":{"kind":"Name","value":"quantity"}}]}}]}}]}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"OutOfStock"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"sku"}},{"kind":"Field","name":{"kind":"Name","value":"available"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"InvalidInput"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"field"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"NotSignedIn"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<WebPlaceOrderMutation, WebPlaceOrderMutationVariables>;
export const WebProductPageDocument = {"__meta__":{"hash":"4bfa6aaaac13c8601fab10f0358e63abb7704d2da7a22edacd7a114fc4a31cbd"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"WebProductPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"reviewsFirst"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"10"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"reviewsAfter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"product"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"brand"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"price"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"formatted"}}]}},{"kind":"Field","name":{"kind":"Name","value":"images"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"alt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"category"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"breadcrumb"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"slug"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"availability"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"inStock"}},{"kind":"Field","name":{"kind":"Name","value":"quantity"}},{"kind":"Field","name":{"kind":"Name","value":"restockDate"}}]}},{"kind":"Field","name":{"kind":"Name","value":"rating"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"average"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}},{"kind":"Field","name":{"kind":"Name","value":"reviews"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"reviewsFirst"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"reviewsAfter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"rating"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"author"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"avatarUrl"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"recommendations"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"8"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"price"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"formatted"}}]}},{"kind":"Field","name":{"kind":"Name","value":"image"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"size"},"value":{"kind":"EnumValue","value":"SMALL"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}}]}},{"kind":"Field","name":{"kind":"Name","value":"rating"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"average"}}]}}]}}]}}]}}]} as unknown as DocumentNode<WebProductPageQuery, WebProductPageQueryVariables>;
export const WebSubmitReviewDocument = {"__meta__":{"hash":"dd79be25a2726f0b102e816ecf6ebc0d5abd9e34e3540980fe22f10d052fd3d8"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"WebSubmitReview"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SubmitReviewInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"submitReview"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SubmitReviewSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"review"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"rating"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"body"}},{"kind":"Field","name":{"kind":"Name","value":"author"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"product"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"rating"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"average"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"InvalidInput"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"field"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"NotSignedIn"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<WebSubmitReviewMutation, WebSubmitReviewMutationVariables>;