/**
 * Compiles a payload check (validate.ts) into one plain predicate per
 * payload type, built once when the check is defined.
 *
 * Why: a cold WebProductPage validates some five hundred fields of
 * downstream JSON. Run as composed closures, each field cost a call through
 * its checker and a path string (`items[3].images[0].url`) built in case it
 * failed. The compiled form is straight-line code per object type: a
 * `typeof` or range test per field, a loop per array, no call per field and
 * no allocation. It answers only "valid or not"; on the rare invalid payload
 * the interpreted check runs again and throws the PayloadError that names
 * the path, so the error is the one it always was.
 *
 * The generated source comes only from the specs in validate.ts (field
 * names are emitted as JSON string literals, integer bounds as number
 * literals, lists of allowed values are passed in), never from a payload.
 */

/** What a check tests, as data: what validate.ts's primitives and combinators record. */
export type Spec =
  | { kind: 'string' }
  | { kind: 'integer'; min: number; max: number }
  | { kind: 'number' }
  | { kind: 'nullable'; of: Spec }
  | { kind: 'oneOf'; values: readonly string[] }
  | { kind: 'array'; of: Spec }
  | { kind: 'object'; fields: readonly (readonly [string, Spec])[] };

/** The predicate of `spec`: true exactly when the interpreted check would accept the value. */
export function compileSpec(spec: Spec): (value: unknown) => boolean {
  const out = new Builder();
  const entry = out.function(spec);
  const source = `${out.parts.join('\n')}\nreturn ${entry};`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from our own specs only (see the top comment)
  return new Function('constants', source)(out.constants) as (value: unknown) => boolean;
}

class Builder {
  readonly parts: string[] = [];
  readonly constants: unknown[] = [];
  private count = 0;

  /** Emits a function `(v) => boolean` for `spec`; returns its name. */
  function(spec: Spec): string {
    const name = `f${this.count++}`;
    if (spec.kind === 'object') {
      const lines = [`function ${name}(v) {`, `  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;`, '  let x;'];
      for (const [key, field] of spec.fields) lines.push(`  x = v[${JSON.stringify(key)}];`, `  if (!(${this.test(field, 'x')})) return false;`);
      lines.push('  return true;', '}');
      this.parts.push(lines.join('\n'));
    } else if (spec.kind === 'array') {
      this.parts.push(
        [`function ${name}(v) {`, '  if (!Array.isArray(v)) return false;', '  for (let i = 0; i < v.length; i++) {', '    const x = v[i];', `    if (!(${this.test(spec.of, 'x')})) return false;`, '  }', '  return true;', '}'].join('\n'),
      );
    } else {
      this.parts.push(`function ${name}(x) { return ${this.test(spec, 'x')}; }`);
    }
    return name;
  }

  /** A boolean expression testing the variable `x` (a plain identifier) against `spec`. */
  private test(spec: Spec, x: string): string {
    switch (spec.kind) {
      case 'string':
        return `typeof ${x} === 'string'`;
      case 'number':
        return `typeof ${x} === 'number' && Number.isFinite(${x})`;
      case 'integer':
        // Bounds are finite numbers of our own specs: safe to write as literals.
        return `typeof ${x} === 'number' && Number.isInteger(${x})${Number.isFinite(spec.min) ? ` && ${x} >= ${spec.min}` : ''}${Number.isFinite(spec.max) ? ` && ${x} <= ${spec.max}` : ''}`;
      case 'nullable':
        return `(${x} === null || (${this.test(spec.of, x)}))`;
      case 'oneOf':
        return `typeof ${x} === 'string' && ${this.constant(spec.values)}.includes(${x})`;
      case 'array':
      case 'object':
        return `${this.function(spec)}(${x})`;
    }
  }

  /** A value the generated code reads from its `constants` argument, never as source text. */
  private constant(value: unknown): string {
    this.constants.push(value);
    return `constants[${this.constants.length - 1}]`;
  }
}
