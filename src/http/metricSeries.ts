/**
 * One series of a prom-client counter or histogram, its label values bound,
 * recorded at the cost of an addition.
 *
 * Why: prom-client's bound children (`metric.labels(...)`) still validate
 * the labels, build the series' hash string and look it up, on every
 * increment and observation; with a handful of series per request that was a
 * measurable part of a cached request's cost. A series here goes through
 * prom-client's public `inc`/`observe` the first time (which creates and
 * validates it), then finds the value object prom-client keeps for it (the
 * one whose `labels` is this series' own labels object) and adds to it
 * directly, exactly as prom-client 15's `inc` and `observe` do: the value,
 * or the sum, the count and the bucket of the first upper bound not below
 * the value. Anything else (a value prom-client would refuse, a metric reset
 * since, an internal shape not as expected) takes the public call again, so
 * what `/metrics` shows is what prom-client alone would have shown.
 */
import type { Counter, Histogram } from 'prom-client';

interface CounterValue {
  value: number;
  labels: object;
}

interface HistogramValue {
  labels: object;
  bucketValues: Record<string, number>;
  sum: number;
  count: number;
}

/** prom-client's own storage of a metric's series (an internal of prom-client 15, pinned). */
interface Stored {
  hashMap?: Record<string, { labels?: object }>;
  upperBounds?: number[];
}

export class CounterSeries {
  private readonly labels: Record<string, string>;
  private map: object | undefined;
  private value: CounterValue | undefined;

  constructor(
    private readonly metric: Counter<string>,
    labelNames: readonly string[],
    values: readonly string[],
  ) {
    this.labels = labelsOf(labelNames, values);
  }

  inc(n = 1): void {
    const value = this.value;
    if (value !== undefined && (this.metric as Stored).hashMap === this.map && n >= 0 && Number.isFinite(n)) {
      value.value += n;
      return;
    }
    this.metric.inc(this.labels, n);
    [this.map, this.value] = locate<CounterValue>(this.metric, this.labels);
  }
}

export class HistogramSeries {
  private readonly labels: Record<string, string>;
  private map: object | undefined;
  private value: HistogramValue | undefined;
  private readonly bounds: readonly number[];

  constructor(
    private readonly metric: Histogram<string>,
    labelNames: readonly string[],
    values: readonly string[],
  ) {
    this.labels = labelsOf(labelNames, values);
    this.bounds = (metric as Stored).upperBounds ?? [];
  }

  observe(seconds: number): void {
    const value = this.value;
    if (value !== undefined && (this.metric as Stored).hashMap === this.map && Number.isFinite(seconds)) {
      value.sum += seconds;
      value.count += 1;
      for (const bound of this.bounds) {
        if (seconds <= bound) {
          if (value.bucketValues[bound] !== undefined) value.bucketValues[bound] += 1;
          return;
        }
      }
      return;
    }
    this.metric.observe(this.labels, seconds);
    [this.map, this.value] = locate<HistogramValue>(this.metric, this.labels);
  }
}

function labelsOf(names: readonly string[], values: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  names.forEach((name, i) => {
    labels[name] = values[i] as string;
  });
  return labels;
}

/** prom-client's value object of the series whose labels object is `labels`, and the map holding it (both undefined when not found). */
function locate<T>(metric: object, labels: object): [object | undefined, T | undefined] {
  const map = (metric as Stored).hashMap;
  if (!map) return [undefined, undefined];
  for (const stored of Object.values(map)) if (stored.labels === labels) return [map, stored as T];
  return [undefined, undefined];
}
