/**
 * A series recorded through metricSeries.ts renders exactly what prom-client
 * renders for the same increments and observations made through its own
 * API, including after a reset and for values prom-client refuses.
 */
import { Counter, Histogram, Registry } from 'prom-client';
import { CounterSeries, HistogramSeries } from '../../src/http/metricSeries';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function metricsOf(registry: Registry) {
  const registers = [registry];
  return {
    counter: new Counter({ name: 'c_total', help: 'c', labelNames: ['a', 'b'], registers }),
    histogram: new Histogram({ name: 'h_seconds', help: 'h', labelNames: ['a'], buckets: BUCKETS, registers }),
  };
}

describe('metric series', () => {
  it('render what prom-client renders for the same increments and observations', async () => {
    const plainRegistry = new Registry();
    const plain = metricsOf(plainRegistry);
    const fastRegistry = new Registry();
    const fast = metricsOf(fastRegistry);
    const counters = [new CounterSeries(fast.counter, ['a', 'b'], ['x', '1']), new CounterSeries(fast.counter, ['a', 'b'], ['y', '2'])];
    const histograms = [new HistogramSeries(fast.histogram, ['a'], ['x']), new HistogramSeries(fast.histogram, ['a'], ['y'])];
    const values = [0, 0.001, 0.005, 0.0051, 0.3, 1, 9.99, 10, 11, 1e6, 0.1 + 0.2];
    for (let i = 0; i < 200; i++) {
      const which = i % 2;
      const labels = which === 0 ? { a: 'x', b: '1' } : { a: 'y', b: '2' };
      plain.counter.inc(labels, i % 3);
      (counters[which] as CounterSeries).inc(i % 3);
      plain.counter.inc(labels);
      (counters[which] as CounterSeries).inc();
      const value = values[i % values.length] as number;
      plain.histogram.observe({ a: labels.a }, value);
      (histograms[which] as HistogramSeries).observe(value);
    }
    expect(await fastRegistry.metrics()).toBe(await plainRegistry.metrics());

    plainRegistry.resetMetrics();
    fastRegistry.resetMetrics();
    plain.counter.inc({ a: 'x', b: '1' }, 2);
    (counters[0] as CounterSeries).inc(2);
    plain.histogram.observe({ a: 'y' }, 0.02);
    (histograms[1] as HistogramSeries).observe(0.02);
    expect(await fastRegistry.metrics()).toBe(await plainRegistry.metrics());
  });

  it('refuse what prom-client refuses, with its errors', () => {
    const fast = metricsOf(new Registry());
    const counter = new CounterSeries(fast.counter, ['a', 'b'], ['x', '1']);
    const histogram = new HistogramSeries(fast.histogram, ['a'], ['x']);
    counter.inc();
    histogram.observe(1);
    expect(() => counter.inc(-1)).toThrow('It is not possible to decrease a counter');
    expect(() => histogram.observe(Number.NaN)).toThrow('Value is not a valid number');
  });
});
