// A small Prometheus registry (counters, gauges, histograms with labels) and its text exposition format
// (version 0.0.4, as prometheus/docs content/docs/instrumenting/exposition_formats.md describes it). Written
// here because prom-client is only a dependency of Pepr, not ours. Pure: nothing here does I/O.

export type Labels = Readonly<Record<string, string>>;

type MetricType = "counter" | "gauge" | "histogram";

interface Metric {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  /** Sample lines, without HELP/TYPE. */
  lines(): string[];
}

/** Label values escape backslash, double quote and newline. */
function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

function formatLabels(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return "";
  return `{${entries.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(",")}}`;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** The labels in the declared order; a missing or unknown label is a programming error. */
function orderedLabels(metric: string, labelNames: readonly string[], labels: Labels): Labels {
  const out: Record<string, string> = {};
  for (const n of labelNames) {
    const v = labels[n];
    if (v === undefined) throw new Error(`metric ${metric}: label ${n} missing`);
    out[n] = v;
  }
  if (Object.keys(labels).length !== labelNames.length)
    throw new Error(
      `metric ${metric}: labels ${Object.keys(labels).join(",")}, declared ${labelNames.join(",")}`,
    );
  return out;
}

abstract class Labelled<S> implements Metric {
  abstract readonly type: MetricType;
  readonly #series = new Map<string, { labels: Labels; state: S }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {
    if (!NAME.test(name)) throw new Error(`bad metric name ${name}`);
    for (const l of labelNames) if (!LABEL_NAME.test(l) || l === "le") throw new Error(`bad label name ${l}`);
  }

  protected abstract initial(): S;

  protected state(labels: Labels): S {
    const ordered = orderedLabels(this.name, this.labelNames, labels);
    const key = JSON.stringify(Object.values(ordered));
    let s = this.#series.get(key);
    if (!s) {
      s = { labels: ordered, state: this.initial() };
      this.#series.set(key, s);
    }
    return s.state;
  }

  protected series(): Array<{ labels: Labels; state: S }> {
    return [...this.#series.values()];
  }

  abstract lines(): string[];
}

export class Counter extends Labelled<{ value: number }> {
  readonly type = "counter";
  protected initial() {
    return { value: 0 };
  }
  inc(labels: Labels = {}, by = 1): void {
    if (!(by >= 0)) throw new Error(`counter ${this.name}: cannot add ${by}`);
    this.state(labels).value += by;
  }
  value(labels: Labels = {}): number {
    return this.state(labels).value;
  }
  lines(): string[] {
    return this.series().map((s) => `${this.name}${formatLabels(s.labels)} ${formatValue(s.state.value)}`);
  }
}

/** A gauge set directly, or read at scrape time from `collect` (queue depth, leader status, cert expiry). */
export class Gauge extends Labelled<{ value: number }> {
  readonly type = "gauge";
  #collect?: () => Array<{ labels: Labels; value: number }>;
  protected initial() {
    return { value: 0 };
  }
  set(labels: Labels, value: number): void {
    this.state(labels).value = value;
  }
  /** Replaces set values: `collect` is called on every scrape. A throwing collector yields no samples. */
  collect(fn: () => Array<{ labels: Labels; value: number }>): void {
    this.#collect = fn;
  }
  lines(): string[] {
    let samples: Array<{ labels: Labels; value: number }>;
    if (this.#collect) {
      try {
        samples = this.#collect().map((s) => ({
          labels: orderedLabels(this.name, this.labelNames, s.labels),
          value: s.value,
        }));
      } catch {
        samples = [];
      }
    } else samples = this.series().map((s) => ({ labels: s.labels, value: s.state.value }));
    return samples.map((s) => `${this.name}${formatLabels(s.labels)} ${formatValue(s.value)}`);
  }
}

export interface HistogramState {
  /** Observations per bucket (not cumulative), one more than the bounds for +Inf. */
  counts: number[];
  sum: number;
  count: number;
}

export class Histogram extends Labelled<HistogramState> {
  readonly type = "histogram";
  readonly buckets: readonly number[];

  constructor(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]) {
    super(name, help, labelNames);
    for (let i = 1; i < buckets.length; i++)
      if (!(buckets[i] > buckets[i - 1])) throw new Error(`histogram ${name}: buckets must increase`);
    this.buckets = buckets;
  }

  protected initial(): HistogramState {
    return { counts: new Array<number>(this.buckets.length + 1).fill(0), sum: 0, count: 0 };
  }

  observe(labels: Labels, value: number): void {
    const s = this.state(labels);
    let i = this.buckets.findIndex((b) => value <= b);
    if (i < 0) i = this.buckets.length;
    s.counts[i]++;
    s.sum += value;
    s.count++;
  }

  snapshot(labels: Labels): HistogramState {
    return structuredClone(this.state(labels));
  }

  lines(): string[] {
    const out: string[] = [];
    for (const { labels, state } of this.series()) {
      let cumulative = 0;
      this.buckets.forEach((b, i) => {
        cumulative += state.counts[i];
        out.push(`${this.name}_bucket${formatLabels({ ...labels, le: formatValue(b) })} ${cumulative}`);
      });
      out.push(`${this.name}_bucket${formatLabels({ ...labels, le: "+Inf" })} ${state.count}`);
      out.push(`${this.name}_sum${formatLabels(labels)} ${formatValue(state.sum)}`);
      out.push(`${this.name}_count${formatLabels(labels)} ${state.count}`);
    }
    return out;
  }
}

export class Registry {
  readonly #metrics = new Map<string, Metric>();

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.#add(new Counter(name, help, labelNames));
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    return this.#add(new Gauge(name, help, labelNames));
  }

  histogram(
    name: string,
    help: string,
    labelNames: readonly string[],
    buckets: readonly number[],
  ): Histogram {
    return this.#add(new Histogram(name, help, labelNames, buckets));
  }

  /** The text exposition of every metric; a metric with no series yet shows only HELP and TYPE. */
  expose(): string {
    const out: string[] = [];
    for (const m of this.#metrics.values()) {
      out.push(`# HELP ${m.name} ${escapeHelp(m.help)}`, `# TYPE ${m.name} ${m.type}`, ...m.lines());
    }
    return out.length ? `${out.join("\n")}\n` : "";
  }

  #add<M extends Metric>(m: M): M {
    if (this.#metrics.has(m.name)) throw new Error(`metric ${m.name} registered twice`);
    this.#metrics.set(m.name, m);
    return m;
  }
}
