/**
 * The compiled payload checks (contract/compileCheck.ts) accept exactly what
 * the field-by-field checks accept: every valid payload is returned as it is,
 * and a payload broken at any one place fails with the PayloadError that
 * names that place. Payloads are generated from the checks' own specs, so
 * every field of every contract type is covered, and broken at random.
 */
import fc from 'fast-check';
import type { Spec } from '../../src/contract/compileCheck';
import { category, items, order, page, PayloadError, product, ratingSummary, review, specOf, stockLevel, user, type Check } from '../../src/contract/validate';

const CHECKS: Record<string, Check<unknown>> = {
  'items(product)': items(product),
  'page(review)': page(review),
  category,
  stockLevel,
  ratingSummary,
  user,
  order,
};

/** Valid values of `spec`, edges included (bounds, null, empty arrays). */
function valid(spec: Spec): fc.Arbitrary<unknown> {
  switch (spec.kind) {
    case 'string':
      return fc.string({ maxLength: 5 });
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'integer':
      return fc.integer({ min: Math.max(spec.min, -1000), max: Math.min(spec.max, Math.max(spec.min, -1000) + 2000) });
    case 'nullable':
      return fc.option(valid(spec.of), { nil: null });
    case 'oneOf':
      return fc.constantFrom(...spec.values);
    case 'array':
      return fc.array(valid(spec.of), { maxLength: 3 });
    case 'object':
      return fc.record(Object.fromEntries(spec.fields.map(([key, field]) => [key, valid(field)])));
  }
}

/** A value `spec` refuses at its own level (never one a nested field would be blamed for). */
function invalid(spec: Spec): fc.Arbitrary<unknown> {
  switch (spec.kind) {
    case 'string':
      return fc.constantFrom(1, true, null, undefined, {}, []);
    case 'number':
      return fc.constantFrom(NaN, Infinity, -Infinity, '1', null, undefined);
    case 'integer': {
      const out: unknown[] = [1.5, '1', null, undefined, NaN];
      if (Number.isFinite(spec.min)) out.push(spec.min - 1);
      if (Number.isFinite(spec.max) && spec.max < Number.MAX_SAFE_INTEGER) out.push(spec.max + 1);
      return fc.constantFrom(...out);
    }
    case 'nullable':
      return invalid(spec.of).filter((v) => v !== null);
    case 'oneOf':
      return fc.constantFrom('NOPE', spec.values[0]?.toLowerCase(), 1, null);
    case 'array':
      return fc.constantFrom({}, 'x', null, undefined, { length: 0 });
    case 'object':
      return fc.constantFrom([], 'x', 1, null, undefined);
  }
}

interface Broken {
  value: unknown;
  path: string;
}

/** A valid value with exactly one place broken, and that place's path as a PayloadError names it. */
function broken(spec: Spec, path = ''): fc.Arbitrary<Broken> {
  // Null is what a nullable field accepts besides its own values.
  if (spec.kind === 'nullable') return broken(spec.of, path).filter((b) => b.value !== null);
  const here = invalid(spec).map((value) => ({ value, path }));
  if (spec.kind === 'array') {
    const inside = fc
      .tuple(fc.array(valid(spec.of), { maxLength: 2 }), broken(spec.of, ''), fc.array(valid(spec.of), { maxLength: 2 }))
      .map(([before, bad, after]) => ({ value: [...before, bad.value, ...after], path: `${path}[${before.length}]${bad.path && !bad.path.startsWith('[') ? `.${bad.path}` : bad.path}` }));
    return fc.oneof(here, inside);
  }
  if (spec.kind === 'object') {
    const inside = fc.integer({ min: 0, max: spec.fields.length - 1 }).chain((k) => {
      const [key, field] = spec.fields[k] as readonly [string, Spec];
      return fc.tuple(valid(spec), broken(field, path ? `${path}.${key}` : key)).map(([good, bad]) => ({ value: { ...(good as object), [key]: bad.value }, path: bad.path }));
    });
    return fc.oneof(here, inside);
  }
  return here;
}

describe('compiled payload checks', () => {
  for (const [name, check] of Object.entries(CHECKS)) {
    const spec = specOf(check) as Spec;

    it(`${name} is compiled, and returns every valid payload as it is`, () => {
      expect(spec).toBeDefined();
      fc.assert(fc.property(valid(spec), (value) => check(value, '') === value));
    });

    it(`${name} fails a payload broken anywhere with the path of the break`, () => {
      fc.assert(
        fc.property(broken(spec), ({ value, path }) => {
          let thrown: unknown;
          try {
            check(value, '');
          } catch (error) {
            thrown = error;
          }
          expect(thrown).toBeInstanceOf(PayloadError);
          expect((thrown as PayloadError).path).toBe(path);
        }),
        { numRuns: 300 },
      );
    });
  }
});
