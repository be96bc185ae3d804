/**
 * The contract, checked without servers: every operation the apps send
 * validates against its own frontend's schema, and frontend-only fields are
 * absent from the other frontend's schema.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse, validate } from 'graphql';
import { defaultOperationsDir } from '../src/config';
import { buildSchema } from '../src/resolvers';
import { CONTRACT_OPERATIONS_DIR, contractOperations, operation } from './helpers/contract';

const schemas = { web: buildSchema('web'), mobile: buildSchema('mobile') };

/** The fields an operation asks for that the schema does not have. */
function unknownFields(frontend: 'web' | 'mobile', document: string): string[] {
  return errorsOn(frontend, document)
    .map((m) => /^Cannot query field "(\w+)" on type "(\w+)"/.exec(m))
    .map((m) => (m ? `${m[2]}.${m[1]}` : 'other error'));
}

function errorsOn(frontend: 'web' | 'mobile', document: string): string[] {
  return validate(schemas[frontend], parse(document)).map((e) => e.message);
}

describe('the contract operations', () => {
  it('are all present: 5 web and 4 mobile', () => {
    expect(contractOperations.filter((o) => o.frontend === 'web').map((o) => o.name)).toEqual([
      'WebAccountOrders',
      'WebCategoryListing',
      'WebPlaceOrder',
      'WebProductPage',
      'WebSubmitReview',
    ]);
    expect(contractOperations.filter((o) => o.frontend === 'mobile').map((o) => o.name)).toEqual([
      'MobileHome',
      'MobilePlaceOrder',
      'MobileProduct',
      'MobileSearch',
    ]);
  });

  it.each(contractOperations.map((o) => [o.name, o] as const))('%s validates against its frontend schema', (_name, op) => {
    expect(errorsOn(op.frontend, op.document)).toEqual([]);
  });

  it('the copy served by the playground is the contract, byte for byte', () => {
    for (const frontend of ['web', 'mobile']) {
      const ours = join(defaultOperationsDir(), frontend);
      const theirs = join(CONTRACT_OPERATIONS_DIR, frontend);
      expect(readdirSync(ours).sort()).toEqual(readdirSync(theirs).sort());
      for (const file of readdirSync(theirs)) {
        expect(readFileSync(join(ours, file), 'utf8')).toBe(readFileSync(join(theirs, file), 'utf8'));
      }
    }
    expect(readFileSync(join(defaultOperationsDir(), 'variables.json'), 'utf8')).toBe(
      readFileSync(join(CONTRACT_OPERATIONS_DIR, 'variables.json'), 'utf8'),
    );
  });
});

describe('frontend-only fields', () => {
  it('web fields (description, images, reviews) are rejected on mobile', () => {
    expect(unknownFields('mobile', operation('WebProductPage').document)).toEqual([
      'Product.description',
      'Product.images',
      'Product.reviews',
    ]);
  });

  it('mobile fields (summary, topReviews, home) are rejected on web', () => {
    expect(unknownFields('web', operation('MobileProduct').document)).toEqual(['Product.summary', 'Product.topReviews']);
    expect(unknownFields('web', operation('MobileHome').document)).toEqual(['Query.home']);
  });

  it('shared operations (search, checkout) are valid on both', () => {
    expect(errorsOn('web', operation('MobileSearch').document)).toEqual([]);
    expect(errorsOn('mobile', operation('WebCategoryListing').document)).toEqual([]);
    expect(errorsOn('mobile', operation('WebPlaceOrder').document)).toEqual([]);
  });
});
