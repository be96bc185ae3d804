/**
 * The standard samplers of OTEL_TRACES_SAMPLER (config/tracing.ts), as the
 * OpenTelemetry SDK decides them: `traceidratio` by the same function of the
 * trace id (the four 32-bit words of the id XORed, below ratio × 2³²), so a
 * trace sampled by one of our services at a ratio is sampled by every SDK
 * at that ratio; the `parentbased_*` ones follow a valid parent's sampled
 * flag (remote or local alike) and use their root sampler for a new trace.
 */
import { TraceFlags, type SpanContext } from '@opentelemetry/api';
import type { TracesSampler } from '../config';

/** Whether a span of this trace, under this parent (undefined: a new trace), is recorded and exported. */
export type Sampler = (traceId: string, parent: SpanContext | undefined) => boolean;

export function samplerOf(kind: TracesSampler, ratio: number): Sampler {
  switch (kind) {
    case 'always_on':
      return () => true;
    case 'always_off':
      return () => false;
    case 'traceidratio':
      return ratioSampler(ratio);
    case 'parentbased_always_on':
      return parentBased(() => true);
    case 'parentbased_always_off':
      return parentBased(() => false);
    case 'parentbased_traceidratio':
      return parentBased(ratioSampler(ratio));
  }
}

function parentBased(root: Sampler): Sampler {
  return (traceId, parent) => (parent ? (parent.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED : root(traceId, undefined));
}

function ratioSampler(ratio: number): Sampler {
  const r = Number.isNaN(ratio) ? 0 : Math.min(1, Math.max(0, ratio));
  const upperBound = r === 1 ? 0x100000000 : Math.floor(r * 0xffffffff);
  return (traceId) => accumulate(traceId) < upperBound;
}

function accumulate(traceId: string): number {
  let accumulation = 0;
  for (let i = 0; i < 32; i += 8) accumulation = (accumulation ^ parseInt(traceId.slice(i, i + 8), 16)) >>> 0;
  return accumulation;
}
