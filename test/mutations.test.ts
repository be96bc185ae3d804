/**
 * The two writes, through the contract's own mutation documents. Expected
 * failures come back as result-union members, never as GraphQL errors; the
 * demo services' live data shows what really happened downstream.
 */
import { developmentToken } from '../src/context/developmentToken';
import { operation } from './helpers/contract';
import { startStack, TEST_JWT_SECRET, type Stack } from './helpers/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

async function send(name: string, variables: Record<string, unknown>, userId?: string) {
  const op = operation(name);
  const headers = userId ? { authorization: `Bearer ${await developmentToken(userId, TEST_JWT_SECRET)}` } : undefined;
  const result = await stack.graphql(op.frontend, op.document, variables, headers);
  expect(result.body.errors).toBeUndefined();
  return result.body.data as Record<string, any>;
}

const stockOf = (productId: string) => stack.demo.data.stockBySku.get(stack.demo.data.productsById.get(productId)!.sku)!.available;

describe('WebPlaceOrder', () => {
  it('places the order, reserves the stock and shows the stock after it', async () => {
    const before = stockOf('p-0002');
    const ordersBefore = stack.demo.data.ordersByUser.get('u-0010')!.length;
    const { placeOrder } = await send(
      'WebPlaceOrder',
      { input: { lines: [{ productId: 'p-0002', quantity: 3 }], idempotencyKey: 'web-success-1' } },
      'u-0010',
    );
    expect(placeOrder.__typename).toBe('PlaceOrderSuccess');
    expect(stockOf('p-0002')).toBe(before - 3);
    const placed = stack.demo.data.ordersByUser.get('u-0010')!;
    expect(placed).toHaveLength(ordersBefore + 1);
    const order = placed[0]!;
    expect(order.userId).toBe('u-0010');
    expect(placeOrder.order).toEqual({
      id: order.id,
      status: 'PLACED',
      total: { formatted: new Intl.NumberFormat('en-US', { style: 'currency', currency: order.currency }).format(order.totalCents / 100) },
      lines: [
        {
          quantity: 3,
          product: {
            id: 'p-0002',
            name: stack.demo.data.productsById.get('p-0002')!.name,
            availability: { inStock: true, quantity: before - 3 },
          },
        },
      ],
    });
  });

  it('answers OutOfStock and reserves nothing when one line cannot be served', async () => {
    const before = stockOf('p-0002');
    const sku = stack.demo.data.productsById.get('p-0006')!.sku;
    const { placeOrder } = await send(
      'WebPlaceOrder',
      { input: { lines: [{ productId: 'p-0002', quantity: 1 }, { productId: 'p-0006', quantity: 1 }] } },
      'u-0010',
    );
    expect(placeOrder).toMatchObject({ __typename: 'OutOfStock', sku, available: 0 });
    expect(placeOrder.message).toEqual(expect.any(String));
    expect(stockOf('p-0002')).toBe(before);
  });

  it('answers InvalidInput naming the field, before any downstream call', async () => {
    stack.demo.resetRequests();
    const cases: [Record<string, unknown>, string][] = [
      [{ lines: [{ productId: 'p-0002', quantity: 0 }] }, 'lines[0].quantity'],
      [{ lines: [{ productId: 'p-0002', quantity: 100 }] }, 'lines[0].quantity'],
      [{ lines: [{ productId: 'p-0002', quantity: 1 }, { productId: 'nope', quantity: 1 }] }, 'lines[1].productId'],
      [{ lines: [] }, 'lines'],
      [{ lines: [{ productId: 'p-0002', quantity: 1 }], idempotencyKey: 'k'.repeat(129) }, 'idempotencyKey'],
    ];
    for (const [input, field] of cases) {
      const { placeOrder } = await send('WebPlaceOrder', { input }, 'u-0010');
      expect(placeOrder).toMatchObject({ __typename: 'InvalidInput', field });
    }
    expect(stack.demo.requests()).toEqual([]);
  });

  it("answers InvalidInput from the service's own check (an unknown product)", async () => {
    const { placeOrder } = await send('WebPlaceOrder', { input: { lines: [{ productId: 'p-99999', quantity: 1 }] } }, 'u-0010');
    expect(placeOrder).toMatchObject({ __typename: 'InvalidInput', field: 'lines[0].productId' });
  });

  it('answers NotSignedIn without a token, and orders nothing', async () => {
    stack.demo.resetRequests();
    const { placeOrder } = await send('WebPlaceOrder', { input: { lines: [{ productId: 'p-0002', quantity: 1 }] } });
    expect(placeOrder).toEqual({ __typename: 'NotSignedIn', message: 'Sign in to place an order.' });
    expect(stack.demo.requests()).toEqual([]);
  });
});

describe('MobilePlaceOrder', () => {
  it('places one order when the app retries with the same idempotency key', async () => {
    const before = stockOf('p-0004');
    const ordersBefore = stack.demo.data.ordersByUser.get('u-0020')!.length;
    const variables = { input: { lines: [{ productId: 'p-0004', quantity: 2 }], idempotencyKey: 'app-retry-1b9c' } };
    const first = await send('MobilePlaceOrder', variables, 'u-0020');
    const second = await send('MobilePlaceOrder', variables, 'u-0020');
    expect(first.placeOrder.__typename).toBe('PlaceOrderSuccess');
    expect(second.placeOrder).toEqual(first.placeOrder);
    expect(stockOf('p-0004')).toBe(before - 2);
    expect(stack.demo.data.ordersByUser.get('u-0020')!).toHaveLength(ordersBefore + 1);
    const forwarded = stack.demo.requests().filter((r) => r.route === 'POST /orders');
    expect(forwarded.at(-1)?.userId).toBe('u-0020');
  });

  it('places a second order with a new key', async () => {
    const before = stockOf('p-0004');
    await send('MobilePlaceOrder', { input: { lines: [{ productId: 'p-0004', quantity: 1 }], idempotencyKey: 'app-retry-2' } }, 'u-0020');
    expect(stockOf('p-0004')).toBe(before - 1);
  });
});

describe('WebSubmitReview', () => {
  it("writes the review as the signed-in user and returns the product's new rating", async () => {
    const before = stack.demo.data.ratingsByProduct.get('p-0003')!.count;
    const input = { productId: 'p-0003', rating: 5, title: 'Solid', body: 'Does what it says.' };
    const { submitReview } = await send('WebSubmitReview', { input }, 'u-0030');
    const user = stack.demo.data.usersById.get('u-0030')!;
    const rating = stack.demo.data.ratingsByProduct.get('p-0003')!;
    expect(rating.count).toBe(before + 1);
    expect(submitReview).toEqual({
      __typename: 'SubmitReviewSuccess',
      review: { id: expect.any(String), rating: 5, title: 'Solid', body: 'Does what it says.', author: { id: 'u-0030', displayName: user.displayName } },
      product: { id: 'p-0003', rating: { average: rating.average, count: rating.count } },
    });
  });

  it("replaces the user's earlier review instead of adding one", async () => {
    const input = { productId: 'p-0003', rating: 1, title: 'Changed my mind', body: 'It broke.' };
    const count = stack.demo.data.ratingsByProduct.get('p-0003')!.count;
    const { submitReview } = await send('WebSubmitReview', { input }, 'u-0030');
    expect(submitReview.product.rating.count).toBe(count);
    expect(submitReview.review).toMatchObject({ rating: 1, title: 'Changed my mind' });
  });

  it('answers InvalidInput naming the field', async () => {
    const base = { productId: 'p-0003', rating: 5, title: 'Solid', body: 'Fine.' };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, rating: 6 }, 'rating'],
      [{ ...base, title: '' }, 'title'],
      [{ ...base, title: 't'.repeat(121) }, 'title'],
      [{ ...base, body: ' ' }, 'body'],
      [{ ...base, productId: 'x' }, 'productId'],
      [{ ...base, productId: 'p-99999' }, 'productId'],
    ];
    for (const [input, field] of cases) {
      const { submitReview } = await send('WebSubmitReview', { input }, 'u-0030');
      expect(submitReview).toMatchObject({ __typename: 'InvalidInput', field });
    }
  });

  it("serves the product's own fields too when a client asks for them (the contract's selection reads only its id and rating)", async () => {
    const document = /* GraphQL */ `
      mutation ReviewWithProduct($input: SubmitReviewInput!) {
        submitReview(input: $input) {
          ... on SubmitReviewSuccess { product { id name brand sku price { formatted } rating { count } } }
        }
      }`;
    const headers = { authorization: `Bearer ${await developmentToken('u-0031', TEST_JWT_SECRET)}` };
    const result = await stack.graphql('web', document, { input: { productId: 'p-0004', rating: 4, title: 'Good', body: 'Works well.' } }, headers);
    expect(result.body.errors).toBeUndefined();
    const product = stack.demo.data.productsById.get('p-0004')!;
    expect((result.body.data as Record<string, any>).submitReview.product).toMatchObject({ id: 'p-0004', name: product.name, brand: product.brand, sku: product.sku, price: { formatted: expect.any(String) } });
  });

  it('answers NotSignedIn without a token', async () => {
    const { submitReview } = await send('WebSubmitReview', { input: { productId: 'p-0003', rating: 5, title: 'a', body: 'b' } });
    expect(submitReview).toEqual({ __typename: 'NotSignedIn', message: 'Sign in to write a review.' });
  });
});
