/**
 * The tracing and log-format settings read from the environment
 * (src/config/tracing.ts, load.ts): the OTLP endpoint rules, what turns
 * tracing off, and malformed values failing at start-up.
 */
import { DEFAULT_TRACING, loadConfig } from '../../src/config';
import { tracingOptions } from '../../src/config/tracing';
import type { ServiceUrls } from '../../src/contract/services';

const urls = { catalog: 'http://c', inventory: 'http://i', reviews: 'http://r', accounts: 'http://a', orders: 'http://o', recommendations: 'http://x' } as ServiceUrls;

describe('tracing settings', () => {
  it('are off, with documented defaults, when no endpoint is set', () => {
    expect(tracingOptions({})).toEqual(DEFAULT_TRACING);
    expect(DEFAULT_TRACING).toMatchObject({ endpoint: null, trustIncoming: false, sampler: 'parentbased_always_on', samplerRatio: 1, scheduleDelayMs: 5000 });
  });

  it('append v1/traces to OTEL_EXPORTER_OTLP_ENDPOINT and take OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as it is', () => {
    expect(tracingOptions({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).endpoint).toBe('http://collector:4318/v1/traces');
    expect(tracingOptions({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).endpoint).toBe('http://collector:4318/v1/traces');
    expect(
      tracingOptions({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example.com/in' }).endpoint,
    ).toBe('https://traces.example.com/in');
  });

  it('are off with OTEL_SDK_DISABLED or OTEL_TRACES_EXPORTER=none, whatever the endpoint', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(tracingOptions({ ...endpoint, OTEL_SDK_DISABLED: 'true' }).endpoint).toBeNull();
    expect(tracingOptions({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' }).endpoint).toBeNull();
  });

  it('read the service name, trust, sampler and schedule delay', () => {
    expect(
      tracingOptions({
        OTEL_SERVICE_NAME: 'bff-eu',
        OTEL_TRUST_INCOMING: 'true',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
        OTEL_BSP_SCHEDULE_DELAY: '1000',
      }),
    ).toMatchObject({ serviceName: 'bff-eu', trustIncoming: true, sampler: 'parentbased_traceidratio', samplerRatio: 0.25, scheduleDelayMs: 1000 });
  });

  it('refuse malformed values at start-up', () => {
    expect(() => tracingOptions({ OTEL_TRACES_SAMPLER: 'sometimes' })).toThrow(/OTEL_TRACES_SAMPLER must be one of/);
    expect(() => tracingOptions({ OTEL_TRACES_SAMPLER_ARG: '2' })).toThrow(/probability from 0 to 1/);
    expect(() => tracingOptions({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(/http\(s\) URL/);
    expect(() => tracingOptions({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL/);
    expect(() => tracingOptions({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(/OTEL_TRACES_EXPORTER/);
  });
});

describe('log format', () => {
  it('is pretty in development and JSON in production, unless LOG_FORMAT says otherwise', () => {
    expect(loadConfig({}, urls).logFormat).toBe('pretty');
    expect(loadConfig({ NODE_ENV: 'production' }, urls).logFormat).toBe('json');
    expect(loadConfig({ LOG_FORMAT: 'json' }, urls).logFormat).toBe('json');
    expect(() => loadConfig({ LOG_FORMAT: 'yaml' }, urls)).toThrow(/LOG_FORMAT/);
  });
});
