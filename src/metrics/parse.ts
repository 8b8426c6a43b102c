// Reads the Prometheus text exposition back (tests and benchmarks scrape /metrics with it) and computes a
// histogram quantile the way PromQL's histogram_quantile does (linear inside the bucket that holds the rank).

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/g;

function unescape(v: string): string {
  return v.replace(/\\(.)/g, (_m, c: string) => (c === "n" ? "\n" : c));
}

function parseValue(v: string): number {
  if (v === "+Inf") return Infinity;
  if (v === "-Inf") return -Infinity;
  return Number(v);
}

/** Every sample line; comments and blank lines are skipped. Throws on a line that is neither. */
export function parseExposition(text: string): Sample[] {
  const out: Sample[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[3] ?? "").matchAll(LABEL)) labels[l[1]] = unescape(l[2]);
    out.push({ name: m[1], labels, value: parseValue(m[4]) });
  }
  return out;
}

/** Samples named `name` whose labels include every pair of `match`. */
export function select(samples: Sample[], name: string, match: Record<string, string> = {}): Sample[] {
  return samples.filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v));
}

/** Cumulative bucket counts by upper bound, summed over every series matching `match`. */
export function histogramBuckets(
  samples: Sample[],
  name: string,
  match: Record<string, string> = {},
): Map<number, number> {
  const buckets = new Map<number, number>();
  for (const s of select(samples, `${name}_bucket`, match)) {
    const le = parseValue(s.labels.le);
    buckets.set(le, (buckets.get(le) ?? 0) + s.value);
  }
  return buckets;
}

/** `after - before` per bucket: the observations made between two scrapes. */
export function bucketDelta(after: Map<number, number>, before: Map<number, number>): Map<number, number> {
  return new Map([...after].map(([le, n]) => [le, n - (before.get(le) ?? 0)]));
}

/**
 * The q-quantile (0..1) of cumulative buckets, as PromQL's histogram_quantile: linear interpolation in the
 * bucket holding the rank (its lower bound 0 for the first bucket); the highest finite bound if the rank falls
 * in +Inf. NaN with no observations.
 */
export function histogramQuantile(q: number, cumulative: Map<number, number>): number {
  const bounds = [...cumulative.keys()].sort((a, b) => a - b);
  const total = cumulative.get(Infinity) ?? (bounds.length ? cumulative.get(bounds[bounds.length - 1])! : 0);
  if (!total) return NaN;
  const rank = q * total;
  let prevBound = 0;
  let prevCount = 0;
  for (const b of bounds) {
    const c = cumulative.get(b)!;
    if (c >= rank) {
      if (b === Infinity) return prevBound;
      if (c === prevCount) return b;
      return prevBound + ((b - prevBound) * (rank - prevCount)) / (c - prevCount);
    }
    prevBound = b;
    prevCount = c;
  }
  return prevBound;
}
