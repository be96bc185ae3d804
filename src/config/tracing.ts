/**
 * Reads the tracing settings from the standard OpenTelemetry variables
 * (README: "Tracing"). Parsed here, with the other settings, for the few
 * the gateway itself needs: a malformed value fails at start-up with the
 * rule, like every other setting, and two gateways in one process (tests)
 * can be configured apart. The recorder reads the rest itself, as the SDK
 * did, falling back on a malformed value (telemetry/exporterSettings.ts:
 * headers, timeout, compression, TLS files, batch sizes, span limits,
 * OTEL_RESOURCE_ATTRIBUTES).
 */
import { flag, integer, oneOf } from './environment';
import { DEFAULT_TRACING, type TracesSampler, type TracingOptions } from './options';

const SAMPLERS: readonly TracesSampler[] = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
];

export function tracingOptions(env: NodeJS.ProcessEnv): TracingOptions {
  const d = DEFAULT_TRACING;
  return {
    endpoint: tracesEndpoint(env),
    serviceName: env.OTEL_SERVICE_NAME || d.serviceName,
    trustIncoming: flag(env, 'OTEL_TRUST_INCOMING', d.trustIncoming),
    sampler: oneOf(env, 'OTEL_TRACES_SAMPLER', SAMPLERS, d.sampler),
    samplerRatio: ratio(env, 'OTEL_TRACES_SAMPLER_ARG', d.samplerRatio),
    scheduleDelayMs: integer(env, 'OTEL_BSP_SCHEDULE_DELAY', d.scheduleDelayMs),
  };
}

/**
 * The URL spans go to, or null (tracing off). As the OTLP exporter
 * specification says: the per-signal variable is used as it is, the general
 * one is a base URL that `v1/traces` is appended to.
 */
function tracesEndpoint(env: NodeJS.ProcessEnv): string | null {
  if (flag(env, 'OTEL_SDK_DISABLED', false)) return null;
  const exporter = oneOf(env, 'OTEL_TRACES_EXPORTER', ['otlp', 'none'] as const, 'otlp');
  if (exporter === 'none') return null;
  // The gateway exports OTLP/HTTP with JSON bodies; a collector's OTLP/HTTP receiver takes them
  // on the same path as protobuf ones, so `http/protobuf` (the specification's default) is accepted too.
  for (const name of ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL']) {
    oneOf(env, name, ['http/json', 'http/protobuf'] as const, 'http/json');
  }
  const specific = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const general = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (specific) return httpUrl('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', specific);
  if (general) return httpUrl('OTEL_EXPORTER_OTLP_ENDPOINT', `${general.replace(/\/+$/, '')}/v1/traces`);
  return null;
}

function httpUrl(name: string, raw: string): string {
  let url: URL | null = null;
  try {
    url = new URL(raw);
  } catch {
    // reported below
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new Error(`${name} must be an http(s) URL; received ${JSON.stringify(raw)}.`);
  }
  return raw;
}

function ratio(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw new Error(`${name} must be a probability from 0 to 1; received ${JSON.stringify(raw)}.`);
  }
  return value;
}
