/**
 * The API's Context as one link per value: a span's context is its parent
 * context and the span, with nothing copied. Why not `trace.setSpan`: the
 * API's BaseContext copies its parent's Map and makes three closures for
 * every context, and the gateway makes one per span (the parent of what the
 * span encloses), thousands a second at full sampling. Lookups walk the
 * links, a handful deep (request → execution → batch → call).
 */
import { ROOT_CONTEXT, type Context } from '@opentelemetry/api';

/** The API's own key for a context's span (`createContextKey` is `Symbol.for` of its description). */
export const SPAN_KEY = Symbol.for('OpenTelemetry Context Key SPAN');

export class LinkedContext implements Context {
  constructor(
    private readonly parent: Context,
    private readonly key: symbol,
    private readonly value: unknown,
  ) {}

  getValue(key: symbol): unknown {
    return key === this.key ? this.value : this.parent.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return new LinkedContext(this, key, value);
  }

  deleteValue(key: symbol): Context {
    return new LinkedContext(this, key, undefined);
  }
}

/** The context whose span is `span`, under `parent` (default: the root context). */
export function withSpan(parent: Context | undefined, span: unknown): Context {
  return new LinkedContext(parent ?? ROOT_CONTEXT, SPAN_KEY, span);
}
