/**
 * A document's cache policy from the schema's @cacheControl hints: the
 * shortest maxAge of its fields, PRIVATE if any field is, uncacheable when a
 * root field or object field has no hint, never for mutations.
 */
import { parse } from 'graphql';
import { documentCachePolicy } from '../../src/graphql/documentCachePolicy';
import { buildSchema } from '../../src/resolvers';
import { operation } from '../helpers/contract';

const web = buildSchema('web');
const mobile = buildSchema('mobile');
const policyOf = (name: string) => {
  const op = operation(name);
  return documentCachePolicy(op.frontend === 'web' ? web : mobile, parse(op.document));
};

describe('document cache policy', () => {
  it.each([
    ['WebProductPage', { maxAge: 5, scope: 'PUBLIC' }], // availability (stock) is the shortest
    ['WebCategoryListing', { maxAge: 5, scope: 'PUBLIC' }],
    ['MobileHome', { maxAge: 5, scope: 'PUBLIC' }],
    ['MobileProduct', { maxAge: 5, scope: 'PUBLIC' }],
    ['MobileSearch', { maxAge: 5, scope: 'PUBLIC' }],
  ])('%s → %j', (name, policy) => {
    expect(policyOf(name)).toEqual(policy);
  });

  it('the account page is never cacheable (me is PRIVATE with maxAge 0)', () => {
    expect(policyOf('WebAccountOrders')).toBeNull();
  });

  it('mutations are never cacheable', () => {
    expect(policyOf('WebPlaceOrder')).toBeNull();
    expect(policyOf('WebSubmitReview')).toBeNull();
  });

  it('without stock, the next shortest hint wins', () => {
    expect(documentCachePolicy(web, parse('{ product(id: "p-0001") { name rating { average } } }'))).toEqual({ maxAge: 30, scope: 'PUBLIC' });
    expect(documentCachePolicy(web, parse('{ product(id: "p-0001") { name price { formatted } } }'))).toEqual({ maxAge: 60, scope: 'PUBLIC' });
    expect(documentCachePolicy(web, parse('{ categories { id name breadcrumb { id } } }'))).toEqual({ maxAge: 300, scope: 'PUBLIC' });
  });

  it('a hint-less object field (introspection) makes it uncacheable', () => {
    expect(documentCachePolicy(web, parse('{ __schema { queryType { name } } }'))).toBeNull();
  });

  it('is computed once per document', () => {
    const document = parse('{ categories { id } }');
    expect(documentCachePolicy(web, document)).toBe(documentCachePolicy(web, document));
  });
});
