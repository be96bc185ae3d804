/**
 * The standard OpenTelemetry variables the span batcher and the OTLP/HTTP
 * exporter read for themselves, as the SDK read them before the gateway
 * recorded its own spans (README "Tracing" lists them): batch and queue
 * sizes, export timeout, span limits, the exporter's headers, timeout,
 * compression and TLS files, and OTEL_RESOURCE_ATTRIBUTES. As in the SDK, a
 * malformed number falls back to its default rather than stopping the
 * gateway. The sampler, schedule delay, endpoint and service name are the
 * config's (config/tracing.ts), which validates them at start-up.
 */
import { readFileSync } from 'node:fs';
import type { Attributes } from '@opentelemetry/api';
import type { SpanLimits } from './otlpJson';

export interface BatchSettings {
  /** Spans held for export at most (OTEL_BSP_MAX_QUEUE_SIZE, 2048); beyond it new spans are dropped. */
  maxQueueSize: number;
  /** Spans per export request at most (OTEL_BSP_MAX_EXPORT_BATCH_SIZE, 512; at most the queue size). */
  maxExportBatchSize: number;
  /** Longest one export may take, retries included (OTEL_BSP_EXPORT_TIMEOUT, 30000 ms). */
  exportTimeoutMs: number;
}

export interface ExporterSettings {
  headers: Record<string, string>;
  /** Longest one request may take (OTEL_EXPORTER_OTLP_[TRACES_]TIMEOUT, 10000 ms). */
  timeoutMs: number;
  gzip: boolean;
  /** TLS: the CA to trust and the client's key and certificate, read from the files the variables name. */
  tls: { ca?: Buffer; key?: Buffer; cert?: Buffer };
}

export function batchSettings(env: NodeJS.ProcessEnv): BatchSettings {
  const maxQueueSize = positive(env.OTEL_BSP_MAX_QUEUE_SIZE, 2048);
  return {
    maxQueueSize,
    maxExportBatchSize: Math.min(maxQueueSize, positive(env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE, 512)),
    exportTimeoutMs: positive(env.OTEL_BSP_EXPORT_TIMEOUT, 30_000),
  };
}

export function spanLimits(env: NodeJS.ProcessEnv): SpanLimits {
  return {
    attributeCount: positive(env.OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT ?? env.OTEL_ATTRIBUTE_COUNT_LIMIT, 128),
    attributeValueLength: positive(env.OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT ?? env.OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT, Infinity),
    eventCount: positive(env.OTEL_SPAN_EVENT_COUNT_LIMIT, 128),
  };
}

export function exporterSettings(env: NodeJS.ProcessEnv): ExporterSettings {
  const traces = (name: string) => env[`OTEL_EXPORTER_OTLP_TRACES_${name}`] || env[`OTEL_EXPORTER_OTLP_${name}`] || undefined;
  const file = (name: string) => {
    const path = traces(name);
    return path ? { [name]: readFileSync(path) } : {};
  };
  const { CERTIFICATE: ca, CLIENT_KEY: key, CLIENT_CERTIFICATE: cert } = { ...file('CERTIFICATE'), ...file('CLIENT_KEY'), ...file('CLIENT_CERTIFICATE') };
  return {
    // The general headers, then the traces-specific ones over them.
    headers: { ...keyValues(env.OTEL_EXPORTER_OTLP_HEADERS), ...keyValues(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS) },
    timeoutMs: positive(traces('TIMEOUT'), 10_000),
    gzip: traces('COMPRESSION') === 'gzip',
    tls: { ...(ca ? { ca } : {}), ...(key ? { key } : {}), ...(cert ? { cert } : {}) },
  };
}

/** OTEL_RESOURCE_ATTRIBUTES: `key=value` pairs, comma-separated, percent-encoded. */
export function resourceAttributes(env: NodeJS.ProcessEnv): Attributes {
  return keyValues(env.OTEL_RESOURCE_ATTRIBUTES);
}

/** `k1=v1,k2=v2` (W3C Baggage-like, as the specification defines both variables), percent-decoded; malformed pairs skipped. */
function keyValues(raw: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (raw ?? '').split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    try {
      const key = decodeURIComponent(pair.slice(0, eq).trim());
      if (key) out[key] = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      // A malformed escape: the pair is skipped, as the SDK does.
    }
  }
  return out;
}

function positive(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  return Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;
}
